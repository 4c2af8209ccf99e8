"""What scripts/bench and scripts/bench_bridge.py share: the paths, the result-table figures,
the child processes (all stopped on exit) and a fresh broker of each kind."""

import ctypes
import os
import resource
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WILLGATE = ROOT / "build/release/gateway/willgate"
BENCH = ROOT / "build/release/bench/willgate-bench"
MOSQUITTO = Path("/usr/sbin/mosquitto")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

HIGHER, LOWER, INFO = "higher", "lower", ""
# Signals that mean "someone stopped this process" rather than "it crashed".
STOP_SIGNALS = {signal.SIGTERM, signal.SIGKILL, signal.SIGINT, signal.SIGHUP}


def describe_status(code):
    if code is not None and code < 0:
        try:
            return "signal " + signal.Signals(-code).name
        except ValueError:
            return f"signal {-code}"
    return f"status {code}"


class Figure:
    """One row of the result table: a key of the tool's JSON line (or of the runner's own
    measurements), how to print it, and which direction is better."""

    def __init__(self, key, label, better, digits=0, scale=1.0):
        self.key, self.label, self.better = key, label, better
        self.digits, self.scale = digits, scale


# ---------------------------------------------------------------- processes and cleanup

CHILDREN = []  # every Popen still to be stopped


def die_with_parent():
    """preexec_fn: the child gets SIGKILL if this script dies without cleaning up."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def spawn(args, **kwargs):
    process = subprocess.Popen([str(a) for a in args], preexec_fn=die_with_parent,
                               start_new_session=True, **kwargs)
    CHILDREN.append(process)
    return process


def stop(process, timeout=5.0):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process in CHILDREN:
        CHILDREN.remove(process)
    return process.returncode


def stop_all_children():
    for process in list(CHILDREN):
        stop(process, timeout=2.0)


def on_stop_signal(signum, frame):
    raise KeyboardInterrupt


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def cpu_accounts():
    """(user+nice+system CPU seconds of the whole machine, of this script and its reaped
    children): their difference over a run is what other processes used. Softirq time is left
    out on both sides, so loopback TCP work does not count as someone else's."""
    with open("/proc/stat") as stat:
        user, nice, system = (int(v) for v in stat.readline().split()[1:4])
    ours = sum(getattr(resource.getrusage(who), field)
               for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
               for field in ("ru_utime", "ru_stime"))
    return (user + nice + system) / CLOCK_TICKS, ours


def who_is(pid):
    """The command line of a process (and of its parent), for notes on who stopped a run."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            command = cmdline.read().replace(b"\0", b" ").decode(errors="replace").strip()
        with open(f"/proc/{pid}/stat") as stat:
            parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        with open(f"/proc/{parent}/cmdline", "rb") as cmdline:
            parent_command = cmdline.read().replace(b"\0", b" ").decode(errors="replace").strip()
        return f"pid {pid}: {command[:120]!r}, parent {parent}: {parent_command[:120]!r}"
    except (OSError, ValueError, IndexError):
        return f"pid {pid} (already gone)"


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


# ---------------------------------------------------------------- brokers

class Broker:
    """A fresh broker process of one kind in its own directory under the run's temp dir."""

    def __init__(self, kind, workdir, options, extra=None):
        self.kind, self.options = kind, options
        self.extra = (extra or {}).get(kind)
        self.dir = Path(tempfile.mkdtemp(prefix=kind + "-", dir=workdir))
        self.stderr_path = self.dir / "stderr.log"
        self.process = None
        self.port = None

    def command(self, port):
        if self.kind == "willgate":
            config = self.dir / "willgate.toml"
            text = "[limits]\nmax_connections = 20000\n"
            if self.extra:  # its own [limits] replaces the one above
                text = self.extra if "[limits]" in self.extra else text + self.extra
            config.write_text(text)
            data_dir = self.dir / "data"
            # The dashboard on a free port, so a busy 8080 cannot stop the run.
            return [WILLGATE, "--config", config, "--bind", "127.0.0.1", "-p", port,
                    "--http-port", "0", "--data-dir", data_dir, "--log-level", "warning"]
        config = self.dir / "mosquitto.conf"
        lines = [f"listener {port} 127.0.0.1", "allow_anonymous true", "persistence false",
                 "log_dest stderr", "log_type error", "log_type warning", "max_connections -1"]
        if self.options.mosquitto_nodelay:
            # WillGate sets TCP_NODELAY on every connection; stock Mosquitto does not, so
            # Nagle + delayed ACK put up to ~40 ms into its latency tail, while coalescing
            # its one-write()-per-message output into larger segments for throughput.
            lines.append("set_tcp_nodelay true")
        lines += self.extra or []
        config.write_text("\n".join(lines) + "\n")
        return [MOSQUITTO, "-c", config]

    def start(self):
        """Starts the broker and waits until its port accepts connections. WillGate prints
        "listening on ADDR:PORT" only at log level info, so the port is chosen here (bind
        to port 0, close, hand it over) and readiness is a successful TCP connect."""
        for _attempt in range(3):
            self.port = free_port()
            with open(self.stderr_path, "ab") as stderr:
                self.process = spawn(self.command(self.port), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=stderr)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                        time.sleep(0.1)  # let the broker forget the probe connection
                        return
                except OSError:
                    time.sleep(0.02)
            stop(self.process)  # lost the port race, or it failed: try again
        raise RuntimeError(f"{self.kind} did not start; see {self.stderr_path}:\n"
                           + self.stderr_path.read_text(errors="replace")[-2000:])

    def stop(self):
        return stop(self.process) if self.process else None

    def stderr_lines(self):
        if not self.stderr_path.exists():
            return []
        return self.stderr_path.read_text(errors="replace").splitlines()
