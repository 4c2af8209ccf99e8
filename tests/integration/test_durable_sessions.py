"""Persistent sessions survive restarts of the gateway, graceful or kill -9:
their subscriptions, the QoS 1/2 messages queued for them and the ones in
flight. Acknowledged means stored: every message whose PUBACK a publisher saw
reaches the persistent subscriber after the restart."""

import os
import random
import signal

import pytest

import mqtt5 as m5
import mqtt_raw as raw
from mqtt_paho import unique
from willgate_harness import Broker, kill_hard, start_first, willgate_argv, willgate_binary

pytestmark = pytest.mark.willgate_only

MESSAGES = 2000
WINDOW = 32  # unacknowledged PUBLISHes the publisher keeps in flight
# Room for every message in the offline session's queue (the default of 1000
# drops the overflow, acknowledged, as Mosquitto's max_queued_messages does).
LIMITS = {"max_queued_messages": 5000}


def number(payload: bytes) -> int:
    return int(payload.split(b" ", 1)[0])


def subscribe_persistent(host, port, client_id, topic):
    """A 3.1.1 clean-session-0 subscriber at QoS 1 that then disconnects cleanly."""
    sub = raw.RawClient(host, port)
    sub.connect(client_id, clean_session=False)
    assert sub.subscribe([(topic, 1)]) == [1]
    sub.disconnect()


def publish_numbered(client, topic, count, kill_after=None, broker=None):
    """Publishes `count` QoS 1 messages "<n> ..." with WINDOW in flight and
    returns the numbers acknowledged. With `kill_after`, the broker is killed
    (SIGKILL) once that many PUBACKs have arrived, while the rest are in flight;
    PUBACKs that made it out before the kill still count."""
    acked = set()
    sent = 0
    killed = False
    try:
        while len(acked) < count:
            while sent < count and sent - len(acked) < WINDOW:
                client.send(raw.publish_packet(topic, b"%d " % sent + b"x" * 100, qos=1, pid=sent + 1))
                sent += 1
            p = client.expect(raw.PUBACK)
            acked.add(raw.packet_id(p) - 1)
            if kill_after is not None and not killed and len(acked) >= kill_after:
                kill_hard(broker)
                killed = True
    except (AssertionError, raw.ConnectionClosed, OSError):  # the broker is gone
        if not killed:
            raise
    return acked, sent


def receive_numbers(client, wanted, timeout=30.0):
    """Reads QoS 1 PUBLISHes (acknowledging each) until every number in
    `wanted` has arrived; returns the numbers in arrival order."""
    got = []
    missing = set(wanted)
    while missing:
        try:
            p = client.expect_publish(timeout)
        except AssertionError:
            raise AssertionError(f"{len(missing)} acknowledged messages never arrived, "
                                 f"e.g. {sorted(missing)[:10]} (got {len(got)})") from None
        client.send(raw.puback(p.pid))
        n = number(p.payload)
        got.append(n)
        missing.discard(n)
    return got


def test_acknowledged_messages_for_an_offline_subscriber_survive_kill_9_at_a_random_point(
        tmp_path, broker_factory, clients_of):
    seed = int.from_bytes(os.urandom(4), "big")
    kill_after = random.Random(seed).randint(1, MESSAGES - WINDOW)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    first = start_first(tmp_path, data_dir, limits=LIMITS)
    topic, sub_id = f"numbers/{unique('k')}", unique("offline-sub-")
    try:
        subscribe_persistent(first.host, first.port, sub_id, topic)
        publisher = raw.RawClient(first.host, first.port)
        publisher.connect(unique("pub-"))
        acked, sent = publish_numbered(publisher, topic, MESSAGES, kill_after=kill_after, broker=first)
        publisher.close()
    finally:
        first.stop(sig=signal.SIGKILL)
    assert len(acked) >= kill_after, f"seed {seed}"

    second = broker_factory(limits=LIMITS, extra_args=("--data-dir", str(data_dir)))
    sub = clients_of(second).raw()
    session_present, _ = sub.connect(sub_id, clean_session=False)
    assert session_present, f"seed {seed}: the session did not survive"
    # The subscription itself survived: a message published now arrives after
    # the stored ones (some of which were stored but not yet acknowledged).
    publisher = clients_of(second).raw()
    publisher.connect(unique("pub-"))
    publisher.send(raw.publish_packet(topic, b"%d after" % sent, qos=1, pid=1))
    publisher.expect(raw.PUBACK)
    got = receive_numbers(sub, acked | {sent})
    assert got[-1] == sent, f"seed {seed}: the new message overtook stored ones"
    assert got == sorted(got), f"seed {seed}: out of order"
    assert len(got) == len(set(got)), f"seed {seed}: duplicates"
    assert set(got) <= set(range(sent + 1)), f"seed {seed}: numbers never sent"


def test_queued_messages_and_subscriptions_survive_a_graceful_restart(tmp_path, broker_factory, clients_of):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    first = broker_factory(extra_args=("--data-dir", str(data_dir)))
    topic, sub_id = f"numbers/{unique('g')}", unique("offline-sub-")
    subscribe_persistent(first.host, first.port, sub_id, topic)
    publisher = clients_of(first).raw()
    publisher.connect(unique("pub-"))
    acked, _ = publish_numbered(publisher, topic, 500)
    assert acked == set(range(500))
    first.stop()
    first.assert_clean_exit()

    second = broker_factory(extra_args=("--data-dir", str(data_dir)))
    second.wait_for_log(r"restored \d+ sessions \(500 queued or in-flight messages\)")
    sub = clients_of(second).raw()
    assert sub.connect(sub_id, clean_session=False)[0]
    assert receive_numbers(sub, acked) == list(range(500))


def test_unacknowledged_deliveries_are_resent_with_their_packet_ids_after_kill_9(tmp_path, broker_factory,
                                                                                 clients_of):
    """The subscriber is online and receives messages it never acknowledges;
    after a crash and restart they come again first, with DUP set and the
    same packet identifiers (MQTT-4.4.0-1), followed by the queued ones."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    first = start_first(tmp_path, data_dir)
    topic, sub_id = f"numbers/{unique('f')}", unique("online-sub-")
    sub = publisher = None
    try:
        sub = raw.RawClient(first.host, first.port)
        sub.connect(sub_id, clean_session=False)
        sub.subscribe([(topic, 1)])
        publisher = raw.RawClient(first.host, first.port)
        publisher.connect(unique("pub-"))
        acked, _ = publish_numbered(publisher, topic, 40)  # more than the in-flight window of 20
        first_delivery = [sub.expect_publish() for _ in range(20)]  # never acknowledged
        kill_hard(first)
    finally:
        for client in (sub, publisher):
            if client:
                client.close()
        first.stop(sig=signal.SIGKILL)

    second = broker_factory(extra_args=("--data-dir", str(data_dir)))
    again = clients_of(second).raw()
    assert again.connect(sub_id, clean_session=False)[0]
    resent = [again.expect_publish() for _ in range(20)]
    assert [(p.pid, p.payload) for p in resent] == [(p.pid, p.payload) for p in first_delivery]
    assert all(p.dup for p in resent)
    for p in resent:
        again.send(raw.puback(p.pid))
    assert receive_numbers(again, set(range(20, 40))) == list(range(20, 40))
    assert acked == set(range(40))


def test_full_disk_refuses_messages_for_persistent_sessions_and_keeps_the_acknowledged_ones(
        tmp_path, broker_factory, clients_of):
    """The database cannot grow (a file size limit stands in for a full disk).
    The message whose commit fails is not acknowledged (its publisher gets
    DISCONNECT 0x97); while the store fails, further messages for the
    persistent session get PUBACK 0x97 (MQTT 5) or close the connection
    (3.1.1). Every acknowledged message reaches the subscriber after a restart."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    argv = ["prlimit", "--fsize=262144", "--"] + willgate_argv(willgate_binary(), data_dir, None, "127.0.0.1", ())
    full = Broker(argv, tmp_path, "willgate").start()
    topic, sub_id = f"numbers/{unique('d')}", unique("offline-sub-")
    acked = []
    try:
        subscribe_persistent(full.host, full.port, sub_id, topic)
        publisher = m5.Raw5(raw.RawClient(full.host, full.port))
        publisher.connect(unique("pub-"))
        for i in range(200):
            pid = publisher.next_pid()
            publisher.send(m5.publish5(topic, b"%d " % i + b"z" * 16384, 1, pid=pid))
            reply = publisher.c.recv_packet(10)
            if reply.type == raw.DISCONNECT:
                assert m5.parse_disconnect(reply).reason == 0x97
                break
            ack = m5.parse_ack(reply)
            assert (ack.type, ack.pid, ack.reason) == (raw.PUBACK, pid, 0x00), f"{ack!r}"
            acked.append(i)
        else:
            raise AssertionError("the size limit was never reached")
        assert acked, "nothing could be stored at all"
        publisher.c.wait_closed()
        full.wait_for_log(r"willgate\.db.*operations kept for the next attempt", timeout=10)

        again = m5.Raw5(raw.RawClient(full.host, full.port))
        again.connect(unique("pub-"))
        assert again.publish(topic, b"999 refused", qos=1).reason == 0x97
        v3 = raw.RawClient(full.host, full.port)
        v3.connect(unique("pub3-"))
        v3.send(raw.publish_packet(topic, b"998 refused", qos=1, pid=1))
        assert all(p.type != raw.PUBACK for p in v3.wait_closed()), "acknowledged without being stored"
        # Messages for clean sessions still flow.
        bystander = m5.Raw5(raw.RawClient(full.host, full.port))
        bystander.connect(unique("bystander-"))
        bystander.subscribe([(f"live/{sub_id}", 1)])
        assert again.publish(f"live/{sub_id}", b"still here", qos=1).reason == 0x00
        assert bystander.expect_publish().payload == b"still here"
    finally:
        full.stop(sig=signal.SIGKILL)

    restarted = broker_factory(extra_args=("--data-dir", str(data_dir)))
    sub = clients_of(restarted).raw()
    assert sub.connect(sub_id, clean_session=False)[0]
    got = receive_numbers(sub, set(acked))
    assert got[:len(acked)] == acked
