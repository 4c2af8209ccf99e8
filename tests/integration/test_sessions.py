"""Sessions (MQTT 3.1.1 3.1.2.4, 3.1.3.1, 4.1, 4.4): clean session 0 keeps
subscriptions and QoS 1/2 messages across connections, clean session 1
starts and ends empty, unacknowledged messages are resent with DUP on
reconnect, client identifier rules, and the bound on queued messages."""

import time

import pytest

import mqtt_raw as raw
from mqtt_paho import messages_before_marker, roundtrip, unique


def persistent(clients, cid, **kw):
    return clients.paho(client_id=cid, clean_session=False, connect=False, **kw)


def test_first_connect_with_clean_session_0_has_no_session_present(broker, clients):
    c = persistent(clients, unique("p-"))
    assert c.connect() == (False, 0)


def test_offline_qos1_and_qos2_messages_arrive_on_reconnect(broker, clients):
    cid = unique("p-")
    c = persistent(clients, cid)
    c.connect()
    assert c.subscribe([("s/q1", 1), ("s/q2", 2)]) == [1, 2]
    c.disconnect()
    pub = clients.paho()
    pub.publish("s/q1", b"one", qos=1)
    pub.publish("s/q2", b"two", qos=2)
    again = persistent(clients, cid)
    assert again.connect() == (True, 0), "session present must be 1 for a kept session"
    assert again.wait_message("s/q1").payload == b"one"
    assert again.wait_message("s/q2").payload == b"two"
    assert [m.qos for m in again.received()] == [1, 2]
    # And the subscriptions themselves were kept: live messages flow too.
    roundtrip(pub, again, "s/q1", qos=1)
    if broker.is_willgate:
        broker.wait_for_log(rf"\bconnected client={cid} peer=\S+ version=3\.1\.1 keep_alive=60 "
                            rf"clean_session=0 will=none(?: |$)", count=2)


def test_clean_session_1_discards_previous_session(broker, clients):
    cid = unique("p-")
    c = persistent(clients, cid)
    c.connect()
    c.subscribe("s/old", 1)
    c.disconnect()
    pub = clients.paho()
    pub.publish("s/old", b"queued-for-old-session", qos=1)
    fresh = clients.paho(client_id=cid, clean_session=True, connect=False)
    assert fresh.connect() == (False, 0), "clean session 1 must report session present 0"
    pub.publish("s/old", b"after-clean-connect", qos=1)
    fresh.subscribe("s/old", 1)
    before = messages_before_marker(fresh, pub, "s/old")
    assert before == [], f"old session's subscription or queue survived: {before!r}"
    fresh.disconnect()
    # A clean-session-1 session ends with its connection: nothing to resume.
    later = persistent(clients, cid)
    assert later.connect() == (False, 0)


def test_takeover_resumes_persistent_session(broker, clients):
    cid = unique("p-")
    first = clients.raw()
    first.connect(cid, clean_session=False)
    first.subscribe([("s/t", 1)])
    second = clients.raw()
    assert second.connect(cid, clean_session=False) == (True, 0)
    first.wait_closed()
    clients.paho().publish("s/t", b"to-the-new-connection", qos=1)
    pub = second.expect_publish()
    assert (pub.topic, pub.payload, pub.qos) == ("s/t", b"to-the-new-connection", 1)
    second.send(raw.puback(pub.pid))
    broker.check_session_end_logged(cid, first.local_address, "taken-over", "none")


@pytest.mark.parametrize("how", ["close", "disconnect"])
@pytest.mark.parametrize("qos", [1, 2])
def test_unacknowledged_publish_redelivered_with_dup_on_reconnect(broker, clients, qos, how):
    cid = unique("p-")
    sub = clients.raw()
    sub.connect(cid, clean_session=False)
    sub.subscribe([("s/redeliver", qos)])
    clients.paho().publish("s/redeliver", b"must-arrive", qos=qos)
    first = sub.expect_publish()
    assert (first.payload, first.qos, first.dup) == (b"must-arrive", qos, False)
    # No PUBACK / PUBREC: the message stays unacknowledged.
    if how == "close":
        sub.close()
    else:
        sub.disconnect()
    again = clients.raw()
    assert again.connect(cid, clean_session=False) == (True, 0)
    second = again.expect_publish()
    assert (second.topic, second.payload, second.qos) == ("s/redeliver", b"must-arrive", qos)
    assert second.dup, "a redelivered PUBLISH must have DUP set (3.3.1.1)"
    assert second.pid == first.pid, "redelivery must use the original packet id (4.4)"
    if qos == 1:
        again.send(raw.puback(second.pid))
    else:
        again.send(raw.pubrec(second.pid))
        assert raw.packet_id(again.expect(raw.PUBREL)) == second.pid
        again.send(raw.pubcomp(second.pid))
    again.disconnect()
    # Acknowledged now: a third connection gets nothing more.
    third = clients.raw()
    assert third.connect(cid, clean_session=False) == (True, 0)
    third.ping()
    with pytest.raises(TimeoutError):
        third.recv_packet(timeout=0.5)


def test_pubrel_resent_after_reconnect(broker, clients):
    cid = unique("p-")
    sub = clients.raw()
    sub.connect(cid, clean_session=False)
    sub.subscribe([("s/rel", 2)])
    clients.paho().publish("s/rel", b"q2", qos=2)
    pub = sub.expect_publish()
    sub.send(raw.pubrec(pub.pid))
    assert raw.packet_id(sub.expect(raw.PUBREL)) == pub.pid
    sub.close()  # PUBCOMP never sent
    again = clients.raw()
    assert again.connect(cid, clean_session=False) == (True, 0)
    p = again.recv_packet()
    assert p.type == raw.PUBREL, f"expected the PUBREL to be resent, got {p!r} (PUBREC was already sent)"
    assert raw.packet_id(p) == pub.pid and p.flags == 0x02
    again.send(raw.pubcomp(pub.pid))
    again.ping()


def test_inbound_qos2_completed_after_reconnect_is_delivered_once(broker, clients):
    watcher = clients.paho()
    watcher.subscribe("s/in", 2)
    cid = unique("p-")
    pub = clients.raw()
    pub.connect(cid, clean_session=False)
    pub.send(raw.publish_packet("s/in", b"half-way", qos=2, pid=77))
    assert raw.packet_id(pub.expect(raw.PUBREC)) == 77
    pub.close()  # before PUBREL
    again = clients.raw()
    assert again.connect(cid, clean_session=False) == (True, 0)
    again.send(raw.pubrel(77))
    assert raw.packet_id(again.expect(raw.PUBCOMP)) == 77
    before = messages_before_marker(watcher, clients.paho(), "s/in")
    assert [m.payload for m in before] == [b"half-way"]


def test_empty_client_id_with_clean_session_gets_an_assigned_id(broker, clients):
    a = clients.raw()
    assert a.connect("", clean_session=True) == (False, 0)
    b = clients.raw()
    assert b.connect("", clean_session=True) == (False, 0)
    # Two clients without ids are two sessions: neither took the other over.
    a.ping()
    b.ping()
    assert b.subscribe([("s/anon", 1)]) == [1]
    a.send(raw.publish_packet("s/anon", b"hi", qos=1, pid=3))
    assert raw.packet_id(a.expect(raw.PUBACK)) == 3
    assert b.expect_publish().payload == b"hi"
    if broker.is_willgate:
        for c in (a, b):
            m = broker.wait_for_log(rf"\bconnected client=(\S*) peer={c.local_address} ")
            assert m.group(1), "the assigned client id is empty in the log"


def test_empty_client_id_without_clean_session_is_rejected(broker, clients, bystander):
    c = clients.raw()
    sp, rc = c.connect("", clean_session=False, expect_rc=None)
    assert (sp, rc) == (False, 0x02), "CONNACK must be 'identifier rejected' with session present 0"
    c.wait_closed()
    bystander.assert_alive()
    broker.check_rejected_connection_logged(c.local_address, r"[a-z-]+")


def test_offline_queue_is_bounded_by_max_queued_messages(broker_factory, clients_of):
    broker = broker_factory(limits={"max_queued_messages": 10, "max_inflight_messages": 5})
    clients = clients_of(broker)
    cid = unique("p-")
    c = persistent(clients, cid)
    c.connect()
    c.subscribe("s/flood", 1)
    c.disconnect()
    pub = clients.paho()
    payloads = [f"{i:03d}".encode() for i in range(50)]
    for p in payloads:
        pub.publish("s/flood", p, qos=1)  # each one PUBACKed: the broker took it
    again = persistent(clients, cid)
    assert again.connect() == (True, 0)
    before = messages_before_marker(again, pub, "s/flood")
    got = [m.payload for m in before]
    print(f"{len(got)} of 50 queued messages delivered: {got!r}")
    assert 10 <= len(got) <= 10 + 5, f"{len(got)} queued messages delivered (limit 10 + 5 in flight)"
    assert len(set(got)) == len(got), "duplicates in the delivered queue"
    assert got == sorted(got), "queued messages out of order"
    assert set(got) <= set(payloads)
    assert broker.running()
    fresh_sub = clients.paho()
    fresh_sub.subscribe("s/after", 1)
    roundtrip(pub, fresh_sub, "s/after")


@pytest.mark.willgate_only
def test_connection_start_and_end_are_logged(broker, clients):
    cid = unique("log-")
    c = clients.raw()
    c.connect(cid, clean_session=False, keepalive=30)
    broker.wait_for_log(rf"\bconnected client={cid} peer={c.local_address} version=3\.1\.1 keep_alive=30 "
                        rf"clean_session=0 will=none(?: |$)")
    c.disconnect()
    broker.check_session_end_logged(cid, c.local_address, "disconnect", "none")


@pytest.mark.willgate_only
def test_server_shutdown_ends_connections_and_is_logged(broker, clients):
    cid = unique("log-")
    c = clients.raw()
    c.connect(cid, will_topic="will/shutdown", will_payload=b"x", will_qos=1)
    started = time.monotonic()
    broker.stop()
    assert time.monotonic() - started < 10, "SIGTERM with a client connected took too long"
    assert broker.returncode == 0
    c.wait_closed(timeout=1)
    broker.check_session_end_logged(cid, c.local_address, "server-shutdown", "published|none", timeout=1)
