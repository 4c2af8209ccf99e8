"""The cloud bridge against a real Mosquitto standing in for the cloud
(cloud_broker.py): telemetry and Wills over TLS with a client certificate,
a 10,000-message outage, a kill -9 with a backlog, connection errors, and the
outbox's drop-oldest bound. Every wait is a condition with a deadline."""

import re
import signal
import time
from pathlib import Path

import pytest

import mqtt_raw as raw
from cloud_broker import Certificates, Cloud, publish_numbered
from mqtt_paho import PahoClient, roundtrip, unique
from web_client import Dashboard
from willgate_harness import Broker, wait_until, kill_hard, willgate_argv, willgate_binary, willgate_config_text

pytestmark = pytest.mark.willgate_only


def bridge_config(data_dir, address, forward=(("sensors/#", "site1/{1}"), ("will/#", "{topic}")), web=False,
                  **keys) -> str:
    """A gateway configuration with one bridge "cloud"."""
    def value(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int):
            return str(v)
        if isinstance(v, (list, tuple)):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return '"' + str(v) + '"'
    lines = [willgate_config_text(data_dir), "[web]", f"enabled = {value(web)}", "", "[[bridge]]", 'name = "cloud"',
             f"address = {value(address)}", "reconnect_max_ms = 1000"]
    lines += [f"{k} = {value(v)}" for k, v in keys.items()]
    for local, remote in forward:
        lines += ["", "[[bridge.forward]]", f"local = {value(local)}", f"remote = {value(remote)}"]
    return "\n".join(lines) + "\n"


def first_occurrences_in_order(messages, count, topics):
    """Every number 0..count-1 arrived, and on each topic in increasing order
    (at least once: a re-sent duplicate may follow its first copy)."""
    seen = set()
    last = {}
    for m in messages:
        n = int(m.payload)
        if n in seen:
            continue
        seen.add(n)
        assert n > last.get(m.topic, -1), f"{m.topic}: {n} arrived after {last[m.topic]}"
        last[m.topic] = n
    missing = set(range(count)) - seen
    assert not missing, f"{len(missing)} messages never reached the cloud, e.g. {sorted(missing)[:10]}"
    assert set(last) == set(topics)


def log_time(line: str) -> float:
    """Seconds since the epoch of a gateway log line."""
    stamp = line.split(" ", 1)[0]
    return time.mktime(time.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone + float(stamp[19:23])


def test_telemetry_and_a_published_will_reach_a_cloud_that_requires_a_client_certificate(
        tmp_path, broker_factory, clients_of):
    certs = Certificates(tmp_path / "pki")
    cloud = Cloud(tmp_path / "cloud", certs).start()
    try:
        watcher = cloud.subscriber("#")
        data_dir = tmp_path / "data"
        data_dir.mkdir()
        gateway = broker_factory(config_text=bridge_config(
            data_dir, f"ssl://127.0.0.1:{cloud.port}", ca_file=str(certs.ca), cert_file=str(certs.client_cert),
            key_file=str(certs.client_key), client_id="gw-tls", will_topic="gateways/gw-tls/status",
            will_payload="offline", birth_topic="gateways/gw-tls/status", birth_payload="online"))
        gateway.wait_for_log(rf"bridge cloud: connected to ssl://127.0.0.1:{cloud.port}", 20)
        watcher.wait_message("gateways/gw-tls/status", b"online")

        device = clients_of(gateway).paho()
        device.publish("sensors/k1/temp", "21.5", qos=1)
        device.publish("sensors/k2/temp", "19.0", qos=0)
        device.publish("local/only", "x", qos=1)
        watcher.wait_message("site1/k1/temp", b"21.5")
        watcher.wait_message("site1/k2/temp", b"19.0")

        dying = clients_of(gateway).raw()
        client_id = unique("dev-")
        dying.connect(client_id, will_topic=f"will/{client_id}", will_payload=b"lost", will_qos=1)
        dying.close()  # no DISCONNECT: the Will goes out, and to the cloud
        watcher.wait_message(f"will/{client_id}", b"lost")
        assert not watcher.received("local/only") and not watcher.received("site1/local/only")
        gateway.stop()
        assert gateway.count_log(r"bridge cloud status: .* backlog=0 messages") == 1
    finally:
        cloud.stop()


def test_ten_thousand_messages_published_during_an_outage_all_reach_the_cloud_in_order(
        tmp_path, broker_factory):
    cloud = Cloud(tmp_path / "cloud").start()
    topics = [f"sensors/dev{i}" for i in range(10)]
    try:
        session = cloud.subscriber("site1/#", client_id="cloud-app", clean_session=False)
        data_dir = tmp_path / "data"
        data_dir.mkdir()
        gateway = broker_factory(config_text=bridge_config(data_dir, f"tcp://127.0.0.1:{cloud.port}"))
        gateway.wait_for_log(r"bridge cloud: connected to", 20)
        session.close()
        cloud.stop()
        gateway.wait_for_log(r"bridge cloud: connection to .* lost", 20)

        start = time.monotonic()
        publish_numbered(gateway.host, gateway.port, 10000, topics)
        print(f"10000 QoS 1 PUBACKs from the gateway during the outage in {time.monotonic() - start:.2f} s")
        mark = gateway.log_position()
        cloud.start()
        cloud_up = time.time()
        app = cloud.reconnect("cloud-app")
        got = app.wait_count(10000, "site1/", timeout=120)
        connected = gateway.wait_for_log(r"bridge cloud: connected to", 20, start=mark).string
        drained = gateway.wait_for_log(r"backlog of (\d+) messages delivered in ([\d.]+) s \((\d+) messages/s\)",
                                       20, start=mark)
        print(f"cloud back -> bridge connected: {log_time(connected) - cloud_up:.3f} s; {drained.group(0)}")
        first_occurrences_in_order(got, 10000, [t.replace("sensors/", "site1/") for t in topics])
        app.close()
    finally:
        cloud.stop()


def test_a_backlog_survives_kill_9_of_the_gateway(tmp_path, broker_factory):
    cloud = Cloud(tmp_path / "cloud").start()
    topics = ["sensors/a", "sensors/b"]
    try:
        session = cloud.subscriber("site1/#", client_id="cloud-app", clean_session=False)
        session.close()
        cloud.stop()
        data_dir = tmp_path / "data"
        data_dir.mkdir()
        config = tmp_path / "gateway.toml"
        config.write_text(bridge_config(data_dir, f"tcp://127.0.0.1:{cloud.port}"))
        first = Broker(willgate_argv(willgate_binary(), data_dir, config, "127.0.0.1", ("--http-port", "0")),
                       tmp_path, "willgate").start()
        try:
            publish_numbered(first.host, first.port, 2000, topics)
            kill_hard(first)
        finally:
            first.stop(sig=signal.SIGKILL)

        cloud.start()
        second = broker_factory(config_text=config.read_text(), extra_args=("--data-dir", str(data_dir)))
        second.wait_for_log(r"bridge cloud: connected to .*\(outbox: 2000 messages", 20)
        app = cloud.reconnect("cloud-app")
        got = app.wait_count(2000, "site1/", timeout=60)
        first_occurrences_in_order(got, 2000, ["site1/a", "site1/b"])
        app.close()
    finally:
        cloud.stop()


def test_a_wrong_ca_is_reported_and_retried_while_the_local_broker_carries_on(tmp_path, broker_factory, clients_of):
    certs = Certificates(tmp_path / "pki")
    other = Certificates(tmp_path / "other-pki", name="other-ca")
    cloud = Cloud(tmp_path / "cloud", certs).start()
    try:
        data_dir = tmp_path / "data"
        data_dir.mkdir()
        gateway = broker_factory(config_text=bridge_config(
            data_dir, f"ssl://127.0.0.1:{cloud.port}", ca_file=str(other.ca), cert_file=str(certs.client_cert),
            key_file=str(certs.client_key)))
        line = gateway.wait_for_log(r"bridge cloud: cannot connect to ssl://127\.0\.0\.1:\d+: .*\(attempt 1;", 20)
        assert re.search(r"TLS|SSL|certificate", line.string, re.I), line.string
        gateway.wait_for_log(r"bridge cloud: cannot connect .*\(attempt 3; next in \d+ ms\)", 20)
        failures = [(log_time(line), int(m.group(1))) for line in gateway.lines()
                    if (m := re.search(r"attempt \d+; next in (\d+) ms", line))]
        # Each delay is drawn from [d/2, d], d = half the time since the first failure, within
        # [reconnect_initial_ms 500, reconnect_max_ms 1000] (20 ms for the log's own timing).
        for at, delay in failures[:3]:
            ceiling = min(max((at - failures[0][0]) * 1000 / 2, 500), 1000)
            assert ceiling / 2 - 20 <= delay <= ceiling + 20, failures
        clients = clients_of(gateway)
        a, b = clients.paho(), clients.paho()
        b.subscribe("sensors/#", 1)
        roundtrip(a, b, "sensors/x", qos=1)  # forwarded or not, the device gets its PUBACK
    finally:
        cloud.stop()


def test_an_unreachable_cloud_is_reported_and_retried(tmp_path, broker_factory, clients_of):
    cloud = Cloud(tmp_path / "cloud")  # never started: nothing listens on its port
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    gateway = broker_factory(config_text=bridge_config(data_dir, f"tcp://127.0.0.1:{cloud.port}"))
    gateway.wait_for_log(r"bridge cloud: cannot connect to tcp://127\.0\.0\.1:\d+: .*TCP/TLS connect failure "
                         r"\(attempt 2; next in \d+ ms\)", 20)
    clients = clients_of(gateway)
    publisher = clients.paho()
    publisher.publish("sensors/x", "1", qos=1)
    gateway.stop()
    assert gateway.count_log(r"bridge cloud status: connected=no .* backlog=1 messages/") == 1


def test_the_gateway_threads_are_named_for_top_and_ps(tmp_path, broker_factory):
    """top -H, ps -L and perf show each thread's name: the store's writer, the socket closer
    and each bridge's thread can be told apart when one of them is busy."""
    cloud = Cloud(tmp_path / "cloud")  # never started: the bridge's thread runs all the same
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    gateway = broker_factory(config_text=bridge_config(data_dir, f"tcp://127.0.0.1:{cloud.port}"))
    gateway.wait_for_log(r"bridge cloud: cannot connect to", 20)

    def names():
        found = set()
        for task in Path(f"/proc/{gateway.proc.pid}/task").iterdir():
            try:
                found.add((task / "comm").read_text().strip())
            except OSError:
                pass  # a thread that ended meanwhile
        return found

    expected = {"wg-store", "wg-closer", "wg-bridge:cloud"}
    wait_until(lambda: expected <= names(), 10, message=lambda: f"threads named {sorted(expected)}; "
                                                                f"there are {sorted(names())}")


def test_a_full_outbox_drops_the_oldest_messages_and_says_how_many(tmp_path, broker_factory):
    cloud = Cloud(tmp_path / "cloud").start()
    try:
        session = cloud.subscriber("site1/#", client_id="cloud-app", clean_session=False)
        session.close()
        cloud.stop()
        data_dir = tmp_path / "data"
        data_dir.mkdir()
        gateway = broker_factory(config_text=bridge_config(data_dir, f"tcp://127.0.0.1:{cloud.port}",
                                                           outbox_max_messages=100))
        publish_numbered(gateway.host, gateway.port, 250, ["sensors/a"])
        gateway.wait_for_log(r"bridge cloud: outbox full \(100 messages, \d+ bytes\): dropped \d+ oldest messages "
                             r"\(150 since start\)", 20)
        cloud.start()
        app = cloud.reconnect("cloud-app")
        got = app.wait_count(100, "site1/", timeout=30)
        assert [int(m.payload) for m in got][:100] == list(range(150, 250))
        app.close()
        gateway.stop()
        assert gateway.count_log(r"bridge cloud status: .* dropped=150 ") == 1
    finally:
        cloud.stop()


def test_a_message_the_cloud_refuses_is_set_aside_and_the_rest_goes_on(tmp_path, broker_factory, clients_of):
    cloud = Cloud(tmp_path / "cloud", acl=["topic readwrite site1/ok/#"]).start()
    try:
        watcher = cloud.subscriber("site1/#")
        data_dir = tmp_path / "data"
        data_dir.mkdir()
        gateway = broker_factory(config_text=bridge_config(data_dir, f"tcp://127.0.0.1:{cloud.port}",
                                                           mqtt_version="5"))
        gateway.wait_for_log(r"bridge cloud: connected to", 20)
        device = clients_of(gateway).paho()
        for topic in ("sensors/ok/1", "sensors/forbidden/1", "sensors/ok/2"):
            device.publish(topic, "x", qos=1)
        watcher.wait_message("site1/ok/2")
        # At least once: Mosquitto may drop the connection after refusing a message, and the
        # bridge then sends again what was in flight; the refused one never arrives.
        topics = [m.topic for m in watcher.received()]
        assert list(dict.fromkeys(topics)) == ["site1/ok/1", "site1/ok/2"]
        gateway.wait_for_log(r"bridge cloud: the cloud refused message \d+: PUBACK .*\(0x87\); set aside in "
                             r"outbox_rejected", 10)
        gateway.stop()
        assert gateway.count_log(r"bridge cloud status: .* backlog=0 messages/.* rejected=1") == 1
    finally:
        cloud.stop()


def test_the_dashboard_shows_each_bridge_its_backlog_and_last_error(tmp_path, broker_factory, clients_of):
    cloud = Cloud(tmp_path / "cloud").start()
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    gateway = broker_factory(config_text=bridge_config(data_dir, f"tcp://127.0.0.1:{cloud.port}", web=True))
    dashboard = Dashboard(gateway)

    def bridge():
        [only] = dashboard.request("GET", "/api/broker").json()["bridges"]
        return only
    wait_until(lambda: bridge()["connected"], 10, message="the bridge connected in /api/broker")
    assert bridge()["name"] == "cloud" and bridge()["address"] == f"tcp://127.0.0.1:{cloud.port}"
    metrics = dashboard.request("GET", "/metrics").body.decode()
    assert 'willgate_bridge_connected{bridge="cloud"} 1\n' in metrics
    assert 'willgate_bridge_backlog_messages{bridge="cloud"} 0\n' in metrics

    cloud.stop()
    wait_until(lambda: not bridge()["connected"] and bridge()["last_error"], 10,
               message="the lost cloud connection and its error in /api/broker")
    publisher = clients_of(gateway).paho()
    for n in range(3):
        publisher.publish(f"sensors/{n}", str(n), qos=1)
    wait_until(lambda: bridge()["backlog_messages"] == 3, 10, message="three messages waiting in the backlog")
    # The age of the oldest is refreshed by the bridge's thread every second.
    wait_until(lambda: bridge()["oldest_queued_ms"] > 0, 10, message="the oldest queued message's time")
    assert 'willgate_bridge_backlog_messages{bridge="cloud"} 3\n' in dashboard.request("GET", "/metrics").body.decode()
