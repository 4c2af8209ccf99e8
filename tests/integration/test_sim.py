"""willgate-sim, the device simulator, against the broker under test: births,
telemetry, Wills of the devices it kills, reconnects, a clean stop without
Wills, and its exit status when it cannot connect or gets bad options.

The simulator is the binary named by WILLGATE_SIM_BIN (set by CTest)."""

import collections
import json
import os
import re
import signal
import subprocess
import time

import pytest

from mqtt_paho import messages_before_marker
from willgate_harness import CRASH_MARKERS, Tool, _die_with_parent, free_port, wait_until

SIM_TIMEOUT = 60.0


def sim_binary() -> str:
    path = os.environ.get("WILLGATE_SIM_BIN")
    if not path:
        pytest.skip("WILLGATE_SIM_BIN is not set")
    path = os.path.abspath(path)
    assert os.access(path, os.X_OK), f"WILLGATE_SIM_BIN={path!r} is not an executable file"
    return path


def run_sim(*args: str) -> subprocess.CompletedProcess:
    """Run the simulator to its end (it stops itself: --duration, a failure or
    bad options); killed if it is still running after SIM_TIMEOUT."""
    result = subprocess.run([sim_binary(), *args], stdin=subprocess.DEVNULL, capture_output=True,
                            text=True, timeout=SIM_TIMEOUT, preexec_fn=_die_with_parent)
    print(f"----- willgate-sim {' '.join(args)}: exit {result.returncode}\n"
          f"{result.stdout}\n----- stderr\n{result.stderr}")
    assert not [m for m in CRASH_MARKERS if m in result.stderr], result.stderr
    return result


def summary(stdout: str) -> dict[str, str]:
    lines = [l for l in stdout.splitlines() if l.startswith("willgate-sim: summary: ")]
    assert len(lines) == 1, f"expected one summary line in:\n{stdout}"
    return dict(pair.split("=", 1) for pair in lines[0].split()[2:])


def target(broker) -> list[str]:
    return ["--host", broker.host, "--port", str(broker.port)]


def device_ids(prefix: str, n: int) -> set[str]:
    return {f"{prefix}{i:04d}" for i in range(1, n + 1)}


def status_payloads(messages) -> dict[str, list[bytes]]:
    """devices/ID/status payloads per device, in arrival order."""
    out = collections.defaultdict(list)
    for m in messages:
        parts = m.topic.split("/")
        if len(parts) == 3 and parts[0] == "devices" and parts[2] == "status":
            out[parts[1]].append(m.payload)
    return out


def count_wills(watcher) -> int:
    return sum(p.count(b"offline") for p in status_payloads(watcher.received()).values())


def retained_status(clients, n: int) -> dict[str, bytes]:
    """What a new subscriber to devices/+/status gets: the retained status of every device."""
    fresh = clients.paho()
    assert fresh.subscribe("devices/+/status", 1) == [1]
    got = fresh.wait_count(n, "devices/", timeout=10)
    assert all(m.retain for m in got), got
    return {m.topic.split("/")[1]: m.payload for m in got}


def test_sim_devices_publish_births_telemetry_and_wills_of_killed_devices(broker, clients):
    watcher = clients.paho()
    assert watcher.subscribe("devices/#", 1) == [1]

    result = run_sim(*target(broker), "--devices", "50", "--rate", "5", "--kill-fraction", "0.2",
                     "--kill-interval", "1", "--reconnect-delay", "0.5", "--duration", "4",
                     "--status-interval", "1")
    assert result.returncode == 0
    s = summary(result.stdout)
    assert re.search(r"^willgate-sim: t=\d+\.\ds connected=\d+/50 ", result.stdout, re.M), result.stdout
    assert s["ever_connected"] == "50" and s["refused"] == "0" and s["lost"] == "0", s
    kills = int(s["kills"])
    assert kills >= 10, s  # 10 every second, at 1, 2 and 3 s
    assert s["reconnects"] == str(kills) and s["online_at_end"] == "50", s

    # One Will per kill, no more: wait for them, then a marker shows nothing else was routed.
    wait_until(lambda: count_wills(watcher) >= kills, 10,
               message=lambda: f"{kills} Wills (have {count_wills(watcher)})")
    messages_before_marker(watcher, clients.paho(), "devices/marker")
    messages = watcher.received()
    assert count_wills(watcher) == kills

    ids = device_ids("sim-", 50)
    statuses = status_payloads(messages)
    assert set(statuses) == ids, f"status messages from {sorted(set(statuses) ^ ids)} missing/unexpected"
    for device, payloads in statuses.items():
        assert set(payloads) <= {b"online", b"offline"}, (device, payloads)
        # A birth first; every Will (a kill) is followed by the birth of the reconnect.
        assert payloads[0] == b"online" and payloads[-1] == b"online", (device, payloads)
        assert b"offline,offline" not in b",".join(payloads), (device, payloads)
    assert sum(len(p) for p in statuses.values()) == 50 + 2 * kills

    sequences = collections.defaultdict(list)
    for m in messages:
        if m.topic.endswith("/telemetry"):
            body = json.loads(m.payload)
            assert set(body) == {"seq", "ts"}, body
            assert abs(body["ts"] / 1000 - time.time()) < 60, body
            sequences[m.topic.split("/")[1]].append(body["seq"])
    assert set(sequences) == ids
    for device, seqs in sequences.items():
        assert seqs == sorted(set(seqs)), f"{device}: sequence numbers not increasing: {seqs}"
    assert sum(len(s) for s in sequences.values()) == int(s["published"])

    # The birth is retained: a newcomer sees every device online.
    assert retained_status(clients, 50) == {d: b"online" for d in ids}


def test_sim_mqtt5_retained_wills_at_qos2_and_killed_devices_stay_offline(broker, clients):
    watcher = clients.paho()
    assert watcher.subscribe("devices/#", 2) == [2]

    result = run_sim(*target(broker), "--devices", "10", "--protocol", "5", "--rate", "4",
                     "--qos", "1", "--will-qos", "2", "--will-retain", "--kill-mode", "reset",
                     "--kill-fraction", "0.3", "--kill-interval", "1", "--reconnect-delay", "0",
                     "--duration", "2.5", "--keep-alive", "1")
    assert result.returncode == 0
    s = summary(result.stdout)
    # 3 kills at 1 s and 3 more at 2 s; nobody comes back.
    assert (s["kills"], s["reconnects"], s["online_at_end"], s["lost"]) == ("6", "0", "4", "0"), s
    assert int(s["acked"]) > int(s["births"]), s  # QoS 1 telemetry was acknowledged

    wait_until(lambda: count_wills(watcher) >= 6, 10, message="6 Wills")
    messages_before_marker(watcher, clients.paho(), "devices/marker")
    wills = [m for m in watcher.received() if m.payload == b"offline"]
    assert len(wills) == 6 and all(m.qos == 2 for m in wills), wills
    killed = {m.topic.split("/")[1] for m in wills}
    assert len(killed) == 6
    assert all(m.qos == 1 for m in watcher.received() if m.topic.endswith("/telemetry"))

    ids = device_ids("sim-", 10)
    assert retained_status(clients, 10) == {d: b"offline" if d in killed else b"online" for d in ids}
    if broker.is_willgate:
        for d in ids - killed:  # stopped with DISCONNECT at the end: no Will
            broker.wait_for_log(rf"\bdisconnected client={d} .*cause=disconnect will=none")
        assert broker.count_log(r"\bconnected client=sim-\d+ .*version=5\.0 keep_alive=1 ") == 10


def test_sim_stops_cleanly_on_sigint_without_wills(broker, clients):
    watcher = clients.paho()
    assert watcher.subscribe("devices/#", 1) == [1]
    with Tool([sim_binary(), *target(broker), "--devices", "20", "--rate", "2",
               "--kill-fraction", "0", "--status-interval", "0.2"], line_buffer=False) as sim:
        sim.wait_for_line(r"^willgate-sim: t=\S+ connected=20/20 ", timeout=20)
        sim.proc.send_signal(signal.SIGINT)
        assert sim.finish(timeout=20) == 0
        out = "\n".join(sim.lines())
    assert not [m for m in CRASH_MARKERS if m in out], out
    s = summary(out)
    assert (s["online_at_end"], s["kills"]) == ("20", "0"), s
    messages_before_marker(watcher, clients.paho(), "devices/marker")
    assert count_wills(watcher) == 0
    if broker.is_willgate:
        broker.wait_for_log(r"\bdisconnected client=sim-\d+ .*cause=disconnect will=none", count=20)
        assert broker.count_log(r"\bdisconnected client=sim-.* will=published") == 0


def test_sim_exits_1_when_no_device_can_connect():
    port = free_port()  # nothing listens there
    started = time.monotonic()
    result = run_sim("--port", str(port), "--devices", "20", "--duration", "30")
    assert result.returncode == 1
    assert f"cannot connect to 127.0.0.1:{port}: Connection refused" in result.stderr
    assert time.monotonic() - started < 20, "gave up only at the end of --duration"
    assert summary(result.stdout)["ever_connected"] == "0"


@pytest.mark.parametrize("args, message", [
    (["--devices", "0"], "--devices needs an integer in 1..1000000"),
    (["--rate", "fast"], "--rate needs a number in 0..10000"),
    (["--kill-fraction", "1.5"], "--kill-fraction needs a number in 0..1"),
    (["--protocol", "4"], "--protocol must be 3.1.1 or 5"),
    (["--qos", "2"], "--qos needs an integer in 0..1"),
    (["--will-qos", "3"], "--will-qos needs an integer in 0..2"),
    (["--kill-mode", "kill"], "--kill-mode must be close or reset"),
    (["--will-topic", "devices/+/status"], "--will-topic must not contain the wildcards"),
    (["--port", "0"], "--port needs an integer in 1..65535"),
    (["--frobnicate"], "unknown option --frobnicate"),
    (["--will-retain=yes"], "--will-retain takes no value"),
])
def test_sim_rejects_bad_options_with_exit_2(args, message):
    result = run_sim(*args)
    assert result.returncode == 2
    assert f"willgate-sim: {message}" in result.stderr
    assert result.stdout == ""


def test_sim_help_lists_every_option():
    result = run_sim("--help")
    assert result.returncode == 0
    for option in ("--host", "--port", "--devices", "--client-prefix", "--protocol", "--keep-alive",
                   "--connect-rate", "--will-topic", "--will-payload", "--will-qos", "--will-retain",
                   "--no-birth", "--rate", "--telemetry-topic", "--qos", "--kill-fraction",
                   "--kill-interval", "--kill-mode", "--reconnect-delay", "--seed", "--duration",
                   "--status-interval"):
        assert re.search(rf"^  {option}\b", result.stdout, re.M), f"{option} missing from --help"
