"""The bridge scenarios of scripts/bench: the edge broker under test (WillGate with a
[[bridge]], or Mosquitto with a `connection` section) forwards bench/# at QoS 1 to a cloud
Mosquitto on another 127.0.0.1 port, where a QoS 1 subscriber (willgate-bench) checks what
arrives. bench/README.md ("Bridge scenarios") explains the steps and the figures.

Every run starts a fresh cloud and a fresh edge and stops both at the end. The outage
scenarios stop the cloud (SIGTERM) and start it again on the same port; its persistence
keeps the cloud application's session across the restart, so nothing forwarded before the
subscriber is back is lost at the cloud."""

import json
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from bench_support import (BENCH, HIGHER, INFO, LOWER, MOSQUITTO, STOP_SIGNALS, Broker, Figure,
                           cpu_seconds, describe_status, free_port, rss_kb, spawn, stop)

OUTAGE_S = 1.0        # the cloud is down at least this long (from its stop to its restart)
NOTICE_S = 0.2        # after the cloud's stop, before publishing: the edge sees the loss
SESSION = "wgb-cloud-app"  # the cloud application's persistent session
MEMORY_PAYLOAD = 1024
TOOL_TIMEOUT_S = 120
RECEIVE_TIMEOUT_S = 30     # from the cloud's restart to the first message, at most
QUIET_MS = 2000            # nothing new for this long: the rest is not coming

MIB = 1 / 1024
SCENARIOS = {
    "bridge_forward": [
        Figure("msgs_per_s", "forwarded msg/s, device QoS 1 -> cloud QoS 1 subscriber", HIGHER),
        Figure("acked_per_s", "device PUBACKs/s at the edge", HIGHER),
        Figure("acked", "messages acknowledged to the devices", INFO),
        Figure("received", "distinct messages at the cloud subscriber", INFO),
        Figure("loss", "loss (acknowledged - arrived)", LOWER),
        Figure("duplicates", "duplicates at the cloud", LOWER),
        Figure("out_of_order", "out of order at the cloud", LOWER),
        Figure("cloud_cpu_s", "cloud Mosquitto CPU s", INFO, 2)],
    "bridge_reconnect": [
        Figure("first_ms", "cloud accepting again -> first forwarded message, ms", LOWER, 1),
        Figure("received", "messages of the outage that arrived (of 10)", HIGHER),
        Figure("loss", "loss", LOWER)],
    "bridge_drain": [
        Figure("drain_s", "backlog drain, first -> last arrival, s", LOWER, 2),
        Figure("last_s", "cloud accepting again -> last arrival, s", LOWER, 2),
        Figure("first_ms", "cloud accepting again -> first arrival, ms", LOWER, 1),
        Figure("drain_per_s", "drain msg/s", HIGHER),
        Figure("acked", "backlog acknowledged to the devices", INFO),
        Figure("received", "backlog messages that arrived", HIGHER),
        Figure("loss", "loss (acknowledged - arrived)", LOWER),
        Figure("duplicates", "duplicates at the cloud", LOWER),
        Figure("out_of_order", "out of order at the cloud", LOWER)],
    "bridge_memory": [
        Figure("rss_backlog_kb", "edge RSS with the 1 KB-message backlog, MiB", LOWER, 1, MIB),
        Figure("hwm_kb", "edge peak RSS (VmHWM), MiB", LOWER, 1, MIB),
        Figure("rss_before_kb", "edge RSS before the outage, MiB", LOWER, 1, MIB),
        Figure("acked", "1 KB messages acknowledged during the outage", INFO),
        Figure("acked_per_s", "PUBACKs/s during the outage", HIGHER)],
}

# Lines the edges log because the cloud is down, as they should.
EXPECTED_STDERR = ("bridge cloud: connection to", "bridge cloud: cannot connect",
                   "Connection refused", "Socket error on client local.", "Client local.",
                   "Error creating bridge", "bridge cloud status")


class ToolStoppedFromOutside(RuntimeError):
    pass


def edge_settings(cloud_port):
    """What the edges add to their configuration: a bridge named "cloud" that forwards
    bench/# at QoS 1 under the same topics; otherwise both keep their defaults. Mosquitto's
    bridge thus queues like any client (max_queued_messages 1000, max_inflight_messages 20)
    and retries 5 s after losing its connection (restart_timeout: jitter from a base of 5 s;
    `restart_timeout 1` did not make 2.0.11's first retry come sooner)."""
    return {
        "willgate": (f'[[bridge]]\nname = "cloud"\naddress = "tcp://127.0.0.1:{cloud_port}"\n\n'
                     '[[bridge.forward]]\nlocal = "bench/#"\nremote = "{topic}"\n'),
        "mosquitto": ["connection cloud", f"address 127.0.0.1:{cloud_port}", "topic bench/# out 1"],
    }


class Cloud:
    """The cloud stand-in: one Mosquitto port for the whole run, persistence on, no limit on
    what it queues for or sends at once to the cloud application (max_queued_messages 0,
    max_inflight_messages 0), stock Nagle (its QoS 1 relaying is faster with it here)."""

    def __init__(self, workdir):
        self.dir = Path(tempfile.mkdtemp(prefix="cloud-", dir=workdir))
        self.port = free_port()
        self.stderr_path = self.dir / "stderr.log"
        self.config = self.dir / "mosquitto.conf"
        self.config.write_text("\n".join([
            f"listener {self.port} 127.0.0.1", "allow_anonymous true", "persistence true",
            f"persistence_location {self.dir}/", "max_queued_messages 0", "max_inflight_messages 0",
            "max_connections -1", "log_dest stderr", "log_type error", "log_type warning"]) + "\n")
        self.process = None

    def start(self, wait=True):
        with open(self.stderr_path, "ab") as stderr:
            self.process = spawn([MOSQUITTO, "-c", self.config], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=stderr)
        if wait:
            deadline = time.monotonic() + 10
            while self.process.poll() is None and time.monotonic() < deadline:
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                        return
                except OSError:
                    time.sleep(0.01)
            raise RuntimeError("the cloud Mosquitto did not start: "
                               + self.stderr_path.read_text(errors="replace")[-1000:])

    def stop(self):
        if self.process is not None:
            code = stop(self.process)
            self.process = None
            if code not in (0, -15):
                raise RuntimeError(f"the cloud Mosquitto ended with {describe_status(code)}")

    def cpu_s(self):
        return cpu_seconds(self.process.pid) if self.process and self.process.poll() is None else None


class Tool:
    """One willgate-bench bridge-* subcommand running in the background."""

    def __init__(self, *args):
        self.args = [str(a) for a in args]
        self.process = spawn([BENCH, *self.args], stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def result(self, timeout=TOOL_TIMEOUT_S):
        """Its JSON line as a dict; RuntimeError (with its last stderr lines) if it failed."""
        timed_out = False
        try:
            out, err = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            stop(self.process)
            out, err = self.process.communicate()
            timed_out = True
        code = stop(self.process)
        lines = [line for line in out.splitlines() if line.startswith("{")]
        if code == 0 and lines:
            return json.loads(lines[0])
        what = f"{self.args[0]}: " + (f"timed out after {timeout} s" if timed_out else describe_status(code))
        detail = " | ".join(err.strip().splitlines()[-3:])
        if code is not None and code < 0 and -code in STOP_SIGNALS and not timed_out:
            raise ToolStoppedFromOutside(f"{what} (stopped from outside) {detail}")
        raise RuntimeError(f"{what}: {detail}")


def run_tool(*args):
    return Tool(*args).result()


def hwm_kb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def take_outage(edge, cloud, result, messages, payload):
    """Makes sure the bridge carries, stops the cloud, and publishes `messages` on the edge
    while it is down. Returns when the cloud went down (time.monotonic())."""
    run_tool("bridge-ready", "--port", edge.port, "--cloud-port", cloud.port, "--session", SESSION)
    cloud.stop()
    down = time.monotonic()
    time.sleep(NOTICE_S)
    result["rss_before_kb"] = rss_kb(edge.process.pid)
    published = run_tool("bridge-publish", "--port", edge.port, "--messages", messages,
                         "--payload", payload)
    result.update({k: published[k] for k in ("acked", "acked_per_s", "publish_s")})
    if published["acked"] != messages:
        result["notes"].append(f"the edge acknowledged {published['acked']} of {messages} messages")
    return down


def receive_after_restart(cloud, result, down):
    """Starts the cloud again once OUTAGE_S have passed and counts what arrives for the
    cloud application: the tool notices the listener by connecting every millisecond."""
    time.sleep(max(0.0, down + OUTAGE_S - time.monotonic()))
    receiver = Tool("bridge-receive", "--cloud-port", cloud.port, "--session", SESSION,
                    "--messages", result["acked"], "--timeout", RECEIVE_TIMEOUT_S,
                    "--quiet-ms", QUIET_MS)
    cloud.start(wait=False)
    result["outage_s"] = time.monotonic() - down
    figures = receiver.result(RECEIVE_TIMEOUT_S + TOOL_TIMEOUT_S)
    figures.pop("scenario", None)
    figures.pop("messages", None)
    result.update(figures)


def forward(edge, cloud, options, result):
    cloud_before = cloud.cpu_s()
    figures = run_tool("bridge-forward", "--port", edge.port, "--cloud-port", cloud.port,
                       "--messages", options.bridge_messages, "--quiet-ms", QUIET_MS,
                       "--timeout", TOOL_TIMEOUT_S)
    figures.pop("scenario", None)
    result.update(figures)
    result["cloud_cpu_s"] = cloud.cpu_s() - cloud_before


def reconnect(edge, cloud, options, result):
    receive_after_restart(cloud, result, take_outage(edge, cloud, result, 10, 64))


def drain(edge, cloud, options, result):
    receive_after_restart(cloud, result, take_outage(edge, cloud, result, options.bridge_messages, 64))


def memory(edge, cloud, options, result):
    take_outage(edge, cloud, result, options.bridge_messages, MEMORY_PAYLOAD)
    time.sleep(1.0)  # the last commits, and the allocator settling
    result["rss_backlog_kb"] = rss_kb(edge.process.pid)
    result["hwm_kb"] = hwm_kb(edge.process.pid)


RUNNERS = {"bridge_forward": forward, "bridge_reconnect": reconnect, "bridge_drain": drain,
           "bridge_memory": memory}


def run_once(scenario, kind, options, workdir):
    """One run of a bridge scenario against a fresh cloud and a fresh edge of `kind`;
    returns the figures and notes in the shape scripts/bench's run_once() returns them."""
    result = {"scenario": scenario, "broker": kind, "notes": []}
    cloud = Cloud(workdir)
    edge = Broker(kind, workdir, options, edge_settings(cloud.port))
    try:
        cloud.start()
        edge.start()
        pid = edge.process.pid
        result["rss_idle_kb"] = rss_kb(pid)
        cpu_before = cpu_seconds(pid)
        RUNNERS[scenario](edge, cloud, options, result)
        if edge.process.poll() is None:
            result["broker_cpu_s"] = cpu_seconds(pid) - cpu_before
        else:
            code = edge.process.returncode
            result["notes"].append(f"the edge ended with {describe_status(code)} during the run")
            result["failed"] = True
            result["killed_from_outside"] = code < 0 and -code in STOP_SIGNALS
    except ToolStoppedFromOutside as error:
        result["notes"].append(str(error))
        result["failed"] = result["killed_from_outside"] = True
    except RuntimeError as error:
        result["notes"].append(str(error))
        result["failed"] = True
    finally:
        status = edge.stop()
        try:
            cloud.stop()
        except RuntimeError as error:
            result["notes"].append(str(error))
        if result.get("broker_cpu_s") is not None and status not in (None, 0, -15):
            result["notes"].append(f"the edge ended with {describe_status(status)} after SIGTERM")
            result["failed"] = True
        unexpected = [line for line in edge.stderr_lines()
                      if not any(text in line for text in EXPECTED_STDERR)]
        if unexpected:
            result["notes"].append(f"the edge wrote {len(unexpected)} unexpected stderr lines, e.g. "
                                   + " | ".join(unexpected[:3]))
        shutil.rmtree(edge.dir, ignore_errors=True)
        shutil.rmtree(cloud.dir, ignore_errors=True)
    return result
