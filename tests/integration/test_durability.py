"""Durable state: Wills of live connections survive a crash of the gateway
(MQTT-WILLS.md, "the broker's own failure"), and retained messages survive
restarts. The first gateway of each test is stopped on purpose (kill -9), so
these tests run it through Broker directly; the restarted one comes from
broker_factory, whose teardown insists on a clean exit."""

import os
import signal
import subprocess
from pathlib import Path

import pytest

import mqtt5 as m5
import mqtt_raw as raw
from mqtt_paho import unique
from willgate_harness import Broker, kill_hard, start_first, willgate_argv, willgate_binary

pytestmark = pytest.mark.willgate_only


def collect_retained(client, filter_, expected, timeout=15.0):
    """Subscribe and read retained messages until `expected` distinct topics arrived."""
    client.subscribe([(filter_, 1)])
    got = {}
    while len(got) < expected:
        p = client.expect_publish(timeout)
        assert p.retain, f"{p.topic} arrived without the retain flag"
        assert p.topic not in got, f"{p.topic} arrived twice"
        got[p.topic] = p.payload
        if p.qos == 1:
            client.send(raw.puback(p.pid))
    return got


def test_200_wills_of_live_connections_are_published_once_after_kill_9(tmp_path, broker_factory, clients_of):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    first = start_first(tmp_path, data_dir)
    devices = []
    prefix = unique("crash-")
    try:
        for i in range(200):
            c = raw.RawClient(first.host, first.port)
            devices.append(c)
            # QoS 0, 1 and 2 in turn; every other one retained.
            c.connect(f"{prefix}-{i}", will_topic=f"wills/{prefix}/{i}", will_payload=f"lost {i}".encode(),
                      will_qos=i % 3, will_retain=i % 2 == 0)
        first.wait_for_log(rf"connected client={prefix}-199 ")
        kill_hard(first)
    finally:
        for c in devices:
            c.close()
        first.stop(sig=signal.SIGKILL)

    second = broker_factory(extra_args=("--data-dir", str(data_dir)))
    second.wait_for_log(r"restored .*\d+ retained messages and 200 Wills \(200 published now\)")
    for i in range(0, 200, 37):
        second.wait_for_log(rf"restored will client={prefix}-{i} topic=wills/{prefix}/{i} cause=gateway-restart")
    watcher = clients_of(second).raw()
    watcher.connect(unique("watcher-"))
    got = collect_retained(watcher, f"wills/{prefix}/#", expected=100)
    assert got == {f"wills/{prefix}/{i}": f"lost {i}".encode() for i in range(0, 200, 2)}

    # Published exactly once: a second restart has nothing left to publish.
    second.stop()
    second.assert_clean_exit()
    third = broker_factory(extra_args=("--data-dir", str(data_dir)))
    assert third.count_log(r"restored will client=") == 0
    assert third.count_log(r"restored .*\d+ retained messages and \d+ Wills") in (0, 1)
    if third.count_log(r"restored .*\d+ retained messages and \d+ Wills"):
        third.wait_for_log(r"restored .*, 100 retained messages and 0 Wills")


def test_will_of_live_v5_connection_survives_gateway_crash(tmp_path, broker_factory, clients_of):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    first = start_first(tmp_path, data_dir)
    cid = unique("dev5-")
    topic, payload = f"will/{cid}", b"gateway-lost-me"
    device = None
    try:
        device = m5.Raw5(raw.RawClient(first.host, first.port))
        device.connect(cid, will_topic=topic, will_payload=payload, will_qos=1, will_retain=True,
                       will_props={m5.CONTENT_TYPE: "text/plain"})
        first.wait_for_log(rf"connected client={cid} ")
        kill_hard(first)
    finally:
        if device is not None:
            device.close()
        first.stop(sig=signal.SIGKILL)
    second = broker_factory(extra_args=("--data-dir", str(data_dir)))
    v5 = m5.V5Clients(clients_of(second))
    sub = v5.connected()
    sub.subscribe([(topic, 1)])
    p = sub.receive(timeout=5)
    assert (p.topic, p.payload, p.retain) == (topic, payload, True)
    assert p.props.get(m5.CONTENT_TYPE) == "text/plain"


def test_graceful_stop_publishes_wills_and_leaves_none_behind(tmp_path, broker_factory, clients_of):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    first = broker_factory(extra_args=("--data-dir", str(data_dir)))
    clients = clients_of(first)
    watcher = clients.raw()
    watcher.connect(unique("watcher-"))
    prefix = unique("stop-")
    watcher.subscribe([(f"wills/{prefix}/#", 1)])
    for i in range(20):
        clients.raw().connect(f"{prefix}-{i}", will_topic=f"wills/{prefix}/{i}", will_payload=b"bye", will_qos=1)
    first.send_signal(signal.SIGTERM)
    topics = set()
    while len(topics) < 20:
        p = watcher.expect_publish(10)
        topics.add(p.topic)
    assert first.wait_exit(10) == 0
    second = broker_factory(extra_args=("--data-dir", str(data_dir)))
    assert second.count_log(r"restored will client=") == 0


@pytest.mark.parametrize("stop,durability", [("graceful", None), ("kill-9", None), ("kill-9", "power-loss")])
def test_retained_messages_survive_a_restart(tmp_path, broker_factory, clients_of, stop, durability):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    first = start_first(tmp_path, data_dir, durability)
    prefix = unique("keep-")
    try:
        publisher = raw.RawClient(first.host, first.port)
        publisher.connect(unique("pub-"))
        for i in range(50):
            publisher.send(raw.publish_packet(f"r/{prefix}/{i}", f"value {i}".encode(), qos=1, retain=True, pid=i + 1))
            publisher.expect(raw.PUBACK)
        publisher.send(raw.publish_packet(f"r/{prefix}/0", b"", qos=1, retain=True, pid=100))  # cleared
        publisher.expect(raw.PUBACK)
        publisher.close()
        if stop == "graceful":
            first.stop()
            first.assert_clean_exit()
        else:
            # Killed right after the last PUBACK: acknowledged means stored.
            kill_hard(first)
    finally:
        first.stop(sig=signal.SIGKILL)
    second = broker_factory(extra_args=("--data-dir", str(data_dir)))
    watcher = clients_of(second).raw()
    watcher.connect(unique("watcher-"))
    got = collect_retained(watcher, f"r/{prefix}/#", expected=49)
    assert got == {f"r/{prefix}/{i}": f"value {i}".encode() for i in range(1, 50)}


def test_corrupt_database_stops_start_up_naming_the_path(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    db = data_dir / "willgate.db"
    garbage = os.urandom(8192)
    db.write_bytes(garbage)
    result = subprocess.run(willgate_argv(willgate_binary(), data_dir, None, "127.0.0.1", ()),
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 1, result.stderr
    assert str(db) in result.stderr and "not a database" in result.stderr, result.stderr
    assert db.read_bytes() == garbage, "start-up changed the file it could not read"


def test_full_disk_refuses_retained_messages_and_keeps_what_was_stored(tmp_path, broker_factory, clients_of):
    """The database cannot grow (a file size limit stands in for a full disk).
    The retained QoS 1 message whose commit fails is not acknowledged: its
    publisher gets DISCONNECT 0x97. While the store keeps failing, further
    retained QoS 1 messages get PUBACK 0x97. Everything acknowledged before is
    still there after a restart, and live traffic carries on meanwhile."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    argv = ["prlimit", "--fsize=262144", "--"] + willgate_argv(willgate_binary(), data_dir, None, "127.0.0.1", ())
    full = Broker(argv, tmp_path, "willgate").start()
    prefix = unique("full-")
    acked, unacknowledged = [], None
    try:
        publisher = m5.Raw5(raw.RawClient(full.host, full.port))
        publisher.connect(unique("pub-"))
        for i in range(200):
            pid = publisher.next_pid()
            publisher.send(m5.publish5(f"r/{prefix}/{i}", bytes([65 + i % 26]) * 16384, 1, True, pid=pid))
            reply = publisher.c.recv_packet(10)
            if reply.type == raw.DISCONNECT:
                assert m5.parse_disconnect(reply).reason == 0x97
                unacknowledged = i
                break
            ack = m5.parse_ack(reply)
            assert (ack.type, ack.pid, ack.reason) == (raw.PUBACK, pid, 0x10), f"{ack!r}"  # no subscribers
            acked.append(i)
        assert unacknowledged is not None, "the size limit was never reached"
        assert acked, "nothing could be stored at all"
        publisher.c.wait_closed()
        full.wait_for_log(r"willgate\.db.*operations kept for the next attempt", timeout=10)

        again = m5.Raw5(raw.RawClient(full.host, full.port))
        again.connect(unique("pub-"))
        assert again.publish(f"r/{prefix}/refused", b"x", qos=1, retain=True).reason == 0x97
        # Live (not retained) messages still flow through the broker.
        bystander = m5.Raw5(raw.RawClient(full.host, full.port))
        bystander.connect(unique("bystander-"))
        bystander.subscribe([(f"live/{prefix}", 1)])
        assert again.publish(f"live/{prefix}", b"still here", qos=1).reason == 0x00
        assert bystander.expect_publish().payload == b"still here"
    finally:
        full.stop(sig=signal.SIGKILL)
    restarted = broker_factory(extra_args=("--data-dir", str(data_dir)))
    watcher = clients_of(restarted).raw()
    watcher.connect(unique("watcher-"))
    got = collect_retained(watcher, f"r/{prefix}/#", expected=len(acked))
    assert set(got) == {f"r/{prefix}/{i}" for i in acked}


@pytest.fixture
def unprivileged_dir():
    """A directory outside pytest's private tmp tree (which only its owner can
    enter) with a copy of the willgate binary, and an argv prefix that runs a
    command as an unprivileged user: root reads any file, so permission tests
    drop to `nobody` when run as root."""
    import shutil
    import tempfile
    base = Path(tempfile.mkdtemp(prefix="willgate-perm-"))
    base.chmod(0o755)
    binary = base / "willgate"
    shutil.copy2(willgate_binary(), binary)
    prefix = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] if os.geteuid() == 0 else []
    try:
        yield base, [*prefix, str(binary)]
    finally:
        for path in [base, *base.rglob("*")]:
            if path.is_dir():
                path.chmod(0o755)
        shutil.rmtree(base)


def make_database(base, willgate):
    """A data directory the unprivileged user may write, with a database
    created by a first run of the gateway."""
    data_dir = base / "data"
    data_dir.mkdir()
    data_dir.chmod(0o777)
    first = Broker([*willgate, "--data-dir", str(data_dir), "-p", "0", "--bind", "127.0.0.1", "--http-port", "0"], base,
                   "willgate").start()
    assert first.stop() == 0, first.tail()
    return data_dir, data_dir / "willgate.db"


def refused_start(willgate, *args):
    result = subprocess.run([*willgate, "-p", "0", "--bind", "127.0.0.1", *args],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 1, result.stderr
    return result.stderr


def test_unreadable_database_refuses_start_up_naming_the_file(unprivileged_dir):
    base, willgate = unprivileged_dir
    data_dir, db = make_database(base, willgate)
    db.chmod(0o000)  # the file belongs to the unprivileged user, who may now not read it
    before = db.read_bytes() if os.geteuid() == 0 else None
    stderr = refused_start(willgate, "--data-dir", str(data_dir))
    assert f"{db}: cannot open" in stderr and "Permission denied" in stderr, stderr
    if before is not None:
        assert db.read_bytes() == before


def test_read_only_database_refuses_start_up_naming_the_file(unprivileged_dir):
    base, willgate = unprivileged_dir
    data_dir, db = make_database(base, willgate)
    db.chmod(0o444)
    before = db.read_bytes()
    stderr = refused_start(willgate, "--data-dir", str(data_dir))
    assert f"{db}: cannot open: the file is read-only" in stderr, stderr
    assert db.read_bytes() == before


def test_database_on_a_read_only_path_refuses_start_up_naming_the_path(unprivileged_dir):
    base, willgate = unprivileged_dir
    data_dir, _ = make_database(base, willgate)
    read_only = base / "read-only"
    read_only.mkdir()
    read_only.chmod(0o555)
    config = base / "willgate.toml"
    config.write_text(f'[storage]\ndatabase = "{read_only / "willgate.db"}"\n')
    config.chmod(0o644)
    stderr = refused_start(willgate, "--config", str(config), "--data-dir", str(data_dir))
    assert f"{read_only / 'willgate.db'}: cannot open" in stderr and "not writable" in stderr, stderr
    assert not (read_only / "willgate.db").exists()


def test_durability_none_stores_nothing(tmp_path, broker_factory, clients_of):
    """storage.durability = "none": no database file, and a retained message is
    gone after a restart (the documented trade-off)."""
    data_dir = tmp_path / "data"
    config = f'[storage]\ndata_dir = "{data_dir}"\ndurability = "none"\n'
    first = broker_factory(config_text=config)
    first.wait_for_log(r'storage\.durability is "none"')
    publisher = clients_of(first).raw()
    publisher.connect(unique("pub-"))
    publisher.send(raw.publish_packet("memory/only", b"gone", qos=1, retain=True, pid=1))
    publisher.expect(raw.PUBACK)
    first.stop()
    first.assert_clean_exit()
    assert not (data_dir / "willgate.db").exists()

    second = broker_factory(config_text=config)
    watcher = clients_of(second).raw()
    watcher.connect(unique("watcher-"))
    watcher.subscribe([("memory/#", 1)])
    watcher.ping()  # a retained message would have come before the PINGRESP
