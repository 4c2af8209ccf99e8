"""The device liveness registry as the gateway keeps it in its database: every
device's current state and the history of its changes, including the devices
that were connected when the gateway died."""

import json
import signal
import sqlite3

import pytest

import mqtt_raw as raw
from mqtt_paho import unique
from willgate_harness import kill_hard, start_first, wait_until

pytestmark = pytest.mark.willgate_only


def query(db, sql, *args):
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return connection.execute(sql, args).fetchall()
    finally:
        connection.close()


def device_row(db, client_id):
    rows = query(db, "SELECT online, last_cause, last_will_topic, last_will_payload, peer FROM devices "
                     "WHERE client_id = ?", client_id)
    return rows[0] if rows else None


def history(db, client_id):
    return query(db, "SELECT online, cause, will_published FROM device_history WHERE client_id = ? ORDER BY id",
                 client_id)


def test_a_device_going_offline_is_recorded_with_its_cause_and_will(tmp_path, broker_factory, clients_of):
    data_dir = tmp_path / "data"
    broker = broker_factory(extra_args=("--data-dir", str(data_dir)))
    db = data_dir / "willgate.db"
    cid = unique("meter-")
    device = clients_of(broker).raw()
    device.connect(cid, will_topic=f"status/{cid}", will_payload=b"offline", will_qos=1, will_retain=True)
    wait_until(lambda: device_row(db, cid) is not None and device_row(db, cid)[0] == 1, 10,
               message=f"{cid} online in the devices table")
    assert device_row(db, cid)[4] == device.local_address
    device.close()
    wait_until(lambda: device_row(db, cid)[0] == 0, 10, message=f"{cid} offline in the devices table")
    online, cause, will_topic, will_payload, _ = device_row(db, cid)
    assert (cause, will_topic, will_payload) == ("peer-closed", f"status/{cid}", b"offline")
    assert history(db, cid) == [(1, "", 0), (0, "peer-closed", 1)]

    clean = clients_of(broker).raw()
    clean_id = unique("clean-")
    clean.connect(clean_id, will_topic=f"status/{clean_id}", will_payload=b"x")
    clean.disconnect()
    wait_until(lambda: history(db, clean_id) == [(1, "", 0), (0, "disconnect", 0)], 10,
               message="the clean disconnect in the history")
    assert device_row(db, clean_id)[2] is None  # no Will was published


def test_devices_connected_at_a_crash_are_offline_after_the_restart(tmp_path, broker_factory, clients_of):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    first = start_first(tmp_path, data_dir)
    db = data_dir / "willgate.db"
    cid = unique("crashed-")
    device = None
    try:
        device = raw.RawClient(first.host, first.port)
        device.connect(cid, will_topic=f"status/{cid}", will_payload=b"lost", will_qos=1)
        wait_until(lambda: device_row(db, cid) is not None, 10, message=f"{cid} in the devices table")
        kill_hard(first)
    finally:
        if device:
            device.close()
        first.stop(sig=signal.SIGKILL)
    assert device_row(db, cid)[0] == 1  # as the crash left it

    second = broker_factory(extra_args=("--data-dir", str(data_dir)))
    second.wait_for_log(r"1 devices were connected when the gateway stopped uncleanly")
    wait_until(lambda: device_row(db, cid)[:4] == (0, "gateway-restart", f"status/{cid}", b"lost"), 10,
               message=f"{cid} offline with cause gateway-restart and its Will")
    assert history(db, cid) == [(1, "", 0), (0, "gateway-restart", 1)]


def test_a_device_s_counters_and_last_seen_are_kept(tmp_path, broker_factory, clients_of):
    data_dir = tmp_path / "data"
    broker = broker_factory(extra_args=("--data-dir", str(data_dir)))
    db = data_dir / "willgate.db"
    cid = unique("counted-")
    clients = clients_of(broker)
    listener = clients.paho(unique("listener-"))
    listener.subscribe(f"counted/{cid}")
    device = clients.paho(cid)
    device.subscribe(f"echo/{cid}")
    for n in range(10):
        device.publish(f"counted/{cid}", b"x" * 50)
    for n in range(3):
        listener.publish(f"echo/{cid}", b"y" * 20)
    device.wait_count(3, f"echo/{cid}")
    listener.wait_count(10, f"counted/{cid}")
    device.disconnect()

    def counters():
        rows = query(db, "SELECT online, messages_received, messages_sent, bytes_received, bytes_sent, "
                         "last_seen_ms, since_ms FROM devices WHERE client_id = ?", cid)
        return rows[0] if rows else None
    wait_until(lambda: counters() is not None and counters()[0] == 0, 10, message=f"{cid} offline")
    online, received, sent, bytes_received, bytes_sent, last_seen, since = counters()
    assert (received, sent) == (10, 3)
    assert bytes_received > 10 * 50 and bytes_sent > 3 * 20
    assert 0 < last_seen <= since  # the last packet (DISCONNECT) came before the offline time


def status_of(messages):
    return [json.loads(m.payload) for m in messages]


def test_device_status_is_published_on_sys_topics(tmp_path, broker_factory, clients_of):
    broker = broker_factory()
    clients = clients_of(broker)
    watcher = clients.paho(unique("watcher-"))
    watcher.subscribe("$SYS/willgate/devices/+/status")
    cid = unique("status-")
    topic = f"$SYS/willgate/devices/{cid}/status"
    device = clients.raw()
    device.connect(cid, will_topic=f"will/{cid}", will_payload=b"gone")
    online = watcher.wait_message(topic)
    assert not online.retain
    assert status_of([online])[0]["online"] is True
    assert status_of([online])[0]["client_id"] == cid
    device.close()
    wait_until(lambda: any(not s["online"] for s in status_of(watcher.received(topic))), 10,
               message=f"{cid} offline on {topic}")
    offline = [s for s in status_of(watcher.received(topic)) if not s["online"]][0]
    assert offline["cause"] == "peer-closed"
    assert offline["since"].endswith("Z")

    # A subscriber that comes later gets the current status at once, retained.
    late = clients.paho(unique("late-"))
    late.subscribe(topic)
    current = late.wait_message(topic)
    assert current.retain
    assert status_of([current])[0]["online"] is False
    assert status_of([current])[0]["cause"] == "peer-closed"


def test_a_client_id_that_is_no_topic_level_is_escaped(tmp_path, broker_factory, clients_of):
    broker = broker_factory()
    clients = clients_of(broker)
    watcher = clients.paho(unique("watcher-"))
    watcher.subscribe("$SYS/willgate/devices/+/status")
    cid = unique("plant/line+1#") + "%"
    device = clients.paho(cid)
    escaped = cid.replace("%", "%25").replace("/", "%2F").replace("+", "%2B").replace("#", "%23")
    message = watcher.wait_message(f"$SYS/willgate/devices/{escaped}/status")
    assert status_of([message])[0]["client_id"] == cid
    device.close()
