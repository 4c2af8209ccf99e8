"""willgate's own front: listeners (IPv6, several from a config file),
``--check-config``, ``--version``, signals. Not MQTT: willgate only."""

import re
import signal
import socket
import subprocess
import time

import pytest

from mqtt_paho import roundtrip, unique
from mqtt_raw import RawClient
from willgate_harness import cmake_project_version, willgate_binary, willgate_config_text

pytestmark = pytest.mark.willgate_only


def ipv6_loopback_available():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def run_willgate(*args, timeout=20):
    binary = willgate_binary()
    assert binary, "WILLGATE_BIN is not set"
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


@pytest.mark.skipif(not ipv6_loopback_available(), reason="no IPv6 loopback on this machine")
def test_listens_on_ipv6_loopback(broker_factory, clients_of):
    broker = broker_factory(bind="::1")
    assert broker.listeners[0][0] == "::1"
    clients = clients_of(broker)
    sub = clients.paho()
    sub.subscribe("v6/t", 1)
    roundtrip(clients.paho(), sub, "v6/t")
    r = clients.raw()
    assert r.local_address.startswith("[::1]:")
    r.connect(unique("v6-"))
    broker.wait_for_log(rf"\bconnected client=\S+ peer={re.escape(r.local_address)} ")


@pytest.mark.skipif(not ipv6_loopback_available(), reason="no IPv6 loopback on this machine")
def test_two_listeners_from_config_file_both_accept_clients(broker_factory, clients_of):
    broker = broker_factory(bind=None, listeners=[("127.0.0.1", 0), ("::1", 0)])
    hosts = sorted(h for h, _ in broker.listeners)
    assert hosts == ["127.0.0.1", "::1"], f"listeners: {broker.listeners!r}"
    v4 = next(p for h, p in broker.listeners if h == "127.0.0.1")
    v6 = next(p for h, p in broker.listeners if h == "::1")
    clients = clients_of(broker)
    sub = clients.paho(host="127.0.0.1", port=v4)
    sub.subscribe("multi/t", 1)
    pub = clients.paho(host="::1", port=v6)
    # Both listeners feed the same broker.
    roundtrip(pub, sub, "multi/t")
    pub.subscribe("multi/back", 1)
    roundtrip(sub, pub, "multi/back")


def test_command_line_listener_replaces_configured_listeners(broker_factory, clients_of):
    broker = broker_factory(listeners=[("127.0.0.1", 0), ("127.0.0.1", 0)])
    clients = clients_of(broker)
    sub = clients.paho()
    sub.subscribe("one/t", 1)
    roundtrip(clients.paho(), sub, "one/t")
    n = broker.count_log(r"listening on ")
    assert n == 1, f"{n} listeners with --bind/-p on the command line, expected 1:\n{broker.tail()}"


def test_check_config_accepts_valid_file(tmp_path):
    conf = tmp_path / "ok.toml"
    conf.write_text(willgate_config_text(tmp_path / "data",
                                         {"max_packet_size": 1048576, "max_connections": 50000,
                                          "max_inflight_messages": 20, "max_queued_messages": 1000,
                                          "max_output_buffer": 1048576, "connect_timeout": 10},
                                         [("127.0.0.1", 1883), ("::1", 1883)]))
    result = run_willgate("--check-config", str(conf))
    assert result.returncode == 0, f"rejected a valid config: {result.stdout}{result.stderr}"


BAD_CONFIGS = {
    # name: (text, line of the error, key)
    "unknown_key": ('[log]\nlevel = "info"\n[limits]\nmax_packet_size = 1024\nmax_packet_sise = 10\n',
                    5, "max_packet_sise"),
    "wrong_type": ('[limits]\nconnect_timeout = 10\nmax_packet_size = "big"\n', 3, "max_packet_size"),
    "bad_value": ('[log]\nlevel = "chatty"\n', 2, "level"),
    "bad_port": ('[[listener]]\nbind = "127.0.0.1"\nport = 70000\n', 3, "port"),
    "unknown_table": ('[log]\nlevel = "info"\n\n[limitz]\nmax_packet_size = 10\n', 4, "limitz"),
}


@pytest.mark.parametrize("text,line,key", list(BAD_CONFIGS.values()), ids=list(BAD_CONFIGS))
def test_check_config_rejects_bad_file_naming_line_and_key(tmp_path, text, line, key):
    conf = tmp_path / "bad.toml"
    conf.write_text(text)
    result = run_willgate("--check-config", str(conf))
    output = result.stdout + result.stderr
    assert result.returncode == 1, f"exit {result.returncode} for a bad config; output:\n{output}"
    # FILE:LINE: KEY: message -- the key may be qualified by its table (limits.max_packet_size).
    pattern = rf"{re.escape(str(conf))}:{line}: (?:[\w\[\]]+\.)*{re.escape(key)}: \S"
    assert re.search(pattern, output), f"no '{conf}:{line}: {key}: message' in:\n{output}"


def test_check_config_on_missing_file_fails(tmp_path):
    result = run_willgate("--check-config", str(tmp_path / "absent.toml"))
    assert result.returncode == 1
    assert "absent.toml" in result.stdout + result.stderr


def test_bad_config_file_stops_startup(tmp_path):
    conf = tmp_path / "bad.toml"
    conf.write_text("[limits]\nmax_packet_size = -5\n")
    result = run_willgate("--config", str(conf), "--bind", "127.0.0.1", "-p", "0",
                          "--data-dir", str(tmp_path))
    assert result.returncode == 1
    assert re.search(rf"{re.escape(str(conf))}:2: (?:limits\.)?max_packet_size: \S", result.stdout + result.stderr)


def test_version():
    result = run_willgate("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"willgate {cmake_project_version()}"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_stops_broker_promptly_with_status_0(broker, sig):
    # A connected client must not hold the shutdown up.
    c = RawClient(broker.host, broker.port)
    try:
        c.connect(unique("sig-"), keepalive=0)
        started = time.monotonic()
        broker.send_signal(sig)
        assert broker.wait_exit(timeout=10) == 0
        assert time.monotonic() - started < 5, "shutdown took more than 5 s"
        c.wait_closed(timeout=1)
    finally:
        c.close()


def test_startup_fails_cleanly_when_port_is_taken(tmp_path):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_willgate("--bind", "127.0.0.1", "-p", str(port), "--data-dir", str(tmp_path))
    assert result.returncode != 0, "willgate started although its port was taken"
    assert str(port) in result.stdout + result.stderr
