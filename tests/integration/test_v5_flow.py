"""MQTT 5.0 flow control and per-client limits (3.3.2.3, 4.9): the client's
Receive Maximum and Maximum Packet Size, Topic Aliases in both directions,
Message Expiry, and PUBACK/PUBREC 0x10 No matching subscribers."""

import time

import pytest

import mqtt5 as m5
import mqtt_raw as raw
from mqtt5 import v5, v5_of  # noqa: F401  (fixtures)
from mqtt_paho import unique
from willgate_harness import xfail_on_mosquitto


def subscriber(v5, topic_filter, qos=1, **connect_kw):
    s = v5.connected(**connect_kw)
    assert s.subscribe([(topic_filter, qos)]) == [qos]
    return s


# ------------------------------------------------------------ Receive Maximum
@pytest.mark.parametrize("receive_maximum", [1, pytest.param(3, marks=xfail_on_mosquitto(
    "sends a further PUBLISH for each PUBACK beyond the client's Receive Maximum"))])
def test_client_receive_maximum_limits_unacknowledged_qos1(broker, v5, receive_maximum):
    topic = unique("rm/")
    sub = subscriber(v5, topic, 1, props={m5.RECEIVE_MAXIMUM: receive_maximum})
    pub = v5.connected()
    payloads = [f"m{i}".encode() for i in range(receive_maximum + 4)]
    for p in payloads:
        pub.publish(topic, p, qos=1)
    window = [sub.expect_publish() for _ in range(receive_maximum)]
    sub.assert_silent(0.5)  # the window is full: nothing more until a PUBACK
    got = []
    while window:
        p = window.pop(0)
        got.append(p)
        sub.acknowledge(p)
        if len(got) + len(window) < len(payloads):
            window.append(sub.expect_publish())
        sub.assert_silent(0.1)  # one PUBACK frees one slot, no more
    assert [p.payload for p in got] == payloads


def test_qos2_message_holds_its_slot_until_pubcomp(broker, v5):
    topic = unique("rm/")
    sub = subscriber(v5, topic, 2, props={m5.RECEIVE_MAXIMUM: 1})
    pub = v5.connected()
    pub.publish(topic, b"first", qos=2)
    pub.publish(topic, b"second", qos=2)
    first = sub.expect_publish()
    assert first.payload == b"first"
    sub.send(m5.ack5(raw.PUBREC, first.pid))
    assert m5.parse_ack(sub.expect(raw.PUBREL)).pid == first.pid
    sub.assert_silent(0.5)  # PUBREC does not free the slot, PUBCOMP does (4.9)
    sub.send(m5.ack5(raw.PUBCOMP, first.pid))
    assert sub.receive().payload == b"second"


def test_qos0_is_not_held_back_by_a_full_window(broker, v5):
    topic = unique("rm/")
    sub = subscriber(v5, topic, 1, props={m5.RECEIVE_MAXIMUM: 1})
    pub = v5.connected()
    pub.publish(topic, b"unacked", qos=1)
    held = sub.expect_publish()
    pub.publish(topic, b"queued", qos=1)
    pub.publish(topic, b"at-most-once", qos=0)
    p = sub.expect_publish()
    assert (p.payload, p.qos) == (b"at-most-once", 0)
    sub.acknowledge(held)
    assert sub.receive().payload == b"queued"


@pytest.mark.willgate_only
def test_broker_inflight_limit_applies_when_client_allows_more(broker_factory, v5_of):
    broker = broker_factory(limits={"max_inflight_messages": 4})
    v5 = v5_of(broker)
    topic = unique("rm/")
    sub = subscriber(v5, topic, 1, props={m5.RECEIVE_MAXIMUM: 100})
    pub = v5.connected()
    for i in range(8):
        pub.publish(topic, f"m{i}".encode(), qos=1)
    first = [sub.expect_publish() for _ in range(4)]
    sub.assert_silent(0.5)
    for p in first:
        sub.acknowledge(p)
    rest = [sub.receive() for _ in range(4)]
    assert [p.payload for p in first + rest] == [f"m{i}".encode() for i in range(8)]


# ------------------------------------------------------------ Maximum Packet Size
@pytest.mark.parametrize("qos", [0, 1])
def test_messages_bigger_than_client_maximum_packet_size_are_not_sent(broker, v5, qos):
    topic = unique("mps/")
    sub = subscriber(v5, topic, 1, props={m5.MAXIMUM_PACKET_SIZE: 300})
    pub = v5.connected()
    pub.publish(topic, b"small-1", qos=qos)
    pub.publish(topic, b"B" * 400, qos=qos)
    pub.publish(topic, b"s" * 10, qos=qos, props={m5.USER_PROPERTY: [("k", "v" * 300)]})  # big by its properties
    pub.publish(topic, b"small-2", qos=qos)
    got = [sub.receive().payload for _ in range(2)]
    assert got == [b"small-1", b"small-2"]
    pub.publish(topic, b"still-flowing", qos=1)  # a skipped QoS 1 message took no in-flight slot for ever
    assert sub.receive().payload == b"still-flowing"


@xfail_on_mosquitto("sends a PUBLISH one byte above the client's Maximum Packet Size")
def test_message_exactly_at_client_maximum_packet_size_is_sent(broker, v5):
    topic = unique("mps/")
    limit = 200
    sub = subscriber(v5, topic, 0, props={m5.MAXIMUM_PACKET_SIZE: limit})
    pub = v5.connected()
    # QoS 0 PUBLISH: 1 + remaining-length(1..2) + 2 + topic + 1 (no properties) + payload.
    overhead = 1 + 2 + 2 + len(topic) + 1
    fits = b"f" * (limit - overhead)
    assert len(m5.publish5(topic, fits)) == limit
    pub.publish(topic, fits)
    pub.publish(topic, fits + b"!")
    pub.publish(topic, b"marker")
    assert [sub.receive().payload for _ in range(2)] == [fits, b"marker"]


# ------------------------------------------------------------ Topic Alias
def test_client_to_broker_topic_alias(broker, v5):
    sub = subscriber(v5, "alias/#", 1)
    pub = v5.connected()
    pub.send(m5.publish5("alias/x", b"1", props={m5.TOPIC_ALIAS: 1}))
    pub.send(m5.publish5("", b"2", props={m5.TOPIC_ALIAS: 1}))
    pub.send(m5.publish5("alias/y", b"3", props={m5.TOPIC_ALIAS: 1}))  # re-maps alias 1
    assert pub.publish("", b"4", qos=1, props={m5.TOPIC_ALIAS: 1}).reason == m5.SUCCESS
    pub.send(m5.publish5("alias/z", b"5", props={m5.TOPIC_ALIAS: 10}))  # the highest allowed
    pub.send(m5.publish5("", b"6", props={m5.TOPIC_ALIAS: 10}))
    got = [sub.receive() for _ in range(6)]
    assert [(p.topic, p.payload) for p in got] == [
        ("alias/x", b"1"), ("alias/x", b"2"), ("alias/y", b"3"), ("alias/y", b"4"), ("alias/z", b"5"), ("alias/z", b"6")]
    assert all(m5.TOPIC_ALIAS not in p.props for p in got), "the subscriber allowed no aliases"


def test_topic_aliases_belong_to_one_connection(broker, v5):
    cid = unique("alias-")
    a = v5.connected(cid, props={m5.SESSION_EXPIRY: 60})
    a.send(m5.publish5("alias/a", b"x", props={m5.TOPIC_ALIAS: 1}))
    a.ping()
    b = v5.connected()
    b.send(m5.publish5("", b"x", props={m5.TOPIC_ALIAS: 1}))
    b.expect_disconnect(m5.PROTOCOL_ERROR)
    a.disconnect()
    again = v5.raw()
    assert again.connect(cid, clean_start=False).session_present
    again.send(m5.publish5("", b"x", props={m5.TOPIC_ALIAS: 1}))
    again.expect_disconnect(m5.PROTOCOL_ERROR)


def resolve_aliases(packets, maximum):
    """Play the receiving client's side of 3.3.2.3.4: returns the topics."""
    table, topics = {}, []
    for p in packets:
        alias = p.props.get(m5.TOPIC_ALIAS)
        if alias is not None:
            assert 1 <= alias <= maximum, f"alias {alias} outside 1..{maximum}"
            if p.topic:
                table[alias] = p.topic
            else:
                assert alias in table, f"empty topic with alias {alias} never set"
        else:
            assert p.topic, "empty topic without a Topic Alias"
        topics.append(p.topic or table[alias])
    return topics


@xfail_on_mosquitto("uses no topic aliases towards clients (optional in MQTT 5, part of willgate's contract)")
def test_broker_to_client_topic_aliases(broker, v5):
    sub = subscriber(v5, "ta/#", 1, props={m5.TOPIC_ALIAS_MAXIMUM: 2})
    pub = v5.connected()
    sent = ["ta/a", "ta/a", "ta/b", "ta/c", "ta/a", "ta/b", "ta/c", "ta/a"]
    for i, topic in enumerate(sent):
        pub.publish(topic, str(i).encode(), qos=1, props={m5.USER_PROPERTY: ("n", str(i))})
    got = [sub.receive() for _ in sent]
    assert resolve_aliases(got, 2) == sent
    assert [p.payload for p in got] == [str(i).encode() for i in range(len(sent))]
    first, second = got[0], got[1]
    assert first.topic == "ta/a" and first.props.get(m5.TOPIC_ALIAS) is not None, "first send must carry topic + alias"
    assert second.topic == "" and second.props.get(m5.TOPIC_ALIAS) == first.props.get(m5.TOPIC_ALIAS), \
        "a later send on the same topic must use the alias with an empty topic"
    assert all(p.props.get(m5.USER_PROPERTY) == ("n", str(i)) for i, p in enumerate(got))


def test_no_topic_alias_for_client_that_allows_none(broker, v5):
    sub = subscriber(v5, "ta/#", 1)
    sub2 = subscriber(v5, "ta/#", 1, props={m5.TOPIC_ALIAS_MAXIMUM: 0})
    pub = v5.connected()
    for _ in range(3):
        pub.publish("ta/same", b"x", qos=1)
    for s in (sub, sub2):
        got = [s.receive() for _ in range(3)]
        assert all(p.topic == "ta/same" and m5.TOPIC_ALIAS not in p.props for p in got)


# ------------------------------------------------------------ Message Expiry
def test_expired_message_not_delivered_to_offline_session(broker, v5):
    topic = unique("exp/")
    cid = unique("exp-")
    c = subscriber(v5, topic, 1, client_id=cid, props={m5.SESSION_EXPIRY: 60})
    c.disconnect()
    pub = v5.connected()
    published = time.monotonic()
    pub.publish(topic, b"short-lived", qos=1, props={m5.MESSAGE_EXPIRY: 1})
    pub.publish(topic, b"long-lived", qos=1, props={m5.MESSAGE_EXPIRY: 60})
    pub.publish(topic, b"immortal", qos=1)
    m5.pass_time(published, 2.1)
    back = v5.raw()
    assert back.connect(cid, clean_start=False, props={m5.SESSION_EXPIRY: 60}).session_present
    long_lived, immortal = back.receive(), back.receive()
    assert (long_lived.payload, immortal.payload) == (b"long-lived", b"immortal")
    remaining = long_lived.props.get(m5.MESSAGE_EXPIRY)
    assert remaining is not None and 50 <= remaining <= 58, \
        f"Message Expiry Interval {remaining}: must be the time left (60 s minus ~2 s)"
    assert m5.MESSAGE_EXPIRY not in immortal.props
    assert m5.raw_before_marker(back, pub, topic) == []


def test_message_expiry_forwarded_to_live_subscriber(broker, v5):
    topic = unique("exp/")
    sub = subscriber(v5, topic, 1)
    pub = v5.connected()
    pub.publish(topic, b"x", qos=1, props={m5.MESSAGE_EXPIRY: 120})
    assert sub.receive().props.get(m5.MESSAGE_EXPIRY) in (119, 120)


@xfail_on_mosquitto("stops delivering after an expired message in the queue")
def test_expired_message_waiting_for_inflight_slot_is_dropped(broker, v5):
    topic = unique("exp/")
    sub = subscriber(v5, topic, 1, props={m5.RECEIVE_MAXIMUM: 1})
    pub = v5.connected()
    pub.publish(topic, b"holds-the-slot", qos=1)
    held = sub.expect_publish()
    published = time.monotonic()
    pub.publish(topic, b"expires-in-queue", qos=1, props={m5.MESSAGE_EXPIRY: 1})
    pub.publish(topic, b"after", qos=1)
    m5.pass_time(published, 2.1)
    sub.acknowledge(held)
    assert sub.receive().payload == b"after"  # published after the expired one: that one is gone


def test_expired_retained_message_not_sent_to_new_subscribers(broker, v5):
    topic = unique("exp/")
    pub = v5.connected()
    published = time.monotonic()
    pub.publish(topic, b"stale-soon", qos=1, retain=True, props={m5.MESSAGE_EXPIRY: 2})
    early = subscriber(v5, topic, 1)
    p = early.receive()
    assert p.payload == b"stale-soon" and p.retain and p.props.get(m5.MESSAGE_EXPIRY) in (1, 2)
    m5.pass_time(published, 3.1)
    late = subscriber(v5, topic, 1)
    assert m5.raw_before_marker(late, pub, topic) == [], "an expired retained message was sent"


# ------------------------------------------------------------ No matching subscribers
@pytest.mark.parametrize("qos", [1, pytest.param(2, marks=xfail_on_mosquitto(
    "PUBREC 0x00 where willgate says 0x10 No matching subscribers (a MAY in 3.5.2.1)"))])
def test_no_matching_subscribers_reason(broker, v5, qos):
    topic = unique("nobody/")
    pub = v5.connected()
    assert pub.publish(topic, b"x", qos=qos).reason == m5.NO_MATCHING_SUBSCRIBERS  # flow completes (QoS 2: PUBCOMP)
    sub = subscriber(v5, topic, 1)
    assert pub.publish(topic, b"y", qos=qos).reason == m5.SUCCESS
    assert sub.receive().payload == b"y"
    shared = subscriber(v5, f"$share/grp/{topic}", 1)
    assert sub.unsubscribe([topic]) == [m5.SUCCESS]
    assert pub.publish(topic, b"z", qos=qos).reason == m5.SUCCESS, "a shared subscription is a matching subscriber"
    assert shared.receive().payload == b"z"
    assert shared.unsubscribe([f"$share/grp/{topic}"]) == [m5.SUCCESS]
    assert pub.publish(topic, b"w", qos=qos).reason == m5.NO_MATCHING_SUBSCRIBERS


def test_client_refusing_a_message_frees_its_slot(broker, v5):
    """A PUBACK or PUBREC with an error reason ends the exchange (4.3.2, 4.3.3):
    no resend, no PUBREL, and the Receive Maximum slot is free again."""
    topic = unique("rm/")
    sub = subscriber(v5, topic, 2, props={m5.RECEIVE_MAXIMUM: 1})
    pub = v5.connected()
    pub.publish(topic, b"refused-q1", qos=1)
    pub.publish(topic, b"refused-q2", qos=2)
    pub.publish(topic, b"accepted", qos=1)
    first = sub.expect_publish()
    assert (first.payload, first.qos) == (b"refused-q1", 1)
    sub.send(m5.ack5(raw.PUBACK, first.pid, 0x80, {m5.REASON_STRING: "not now"}))
    second = sub.expect_publish()
    assert (second.payload, second.qos) == (b"refused-q2", 2)
    sub.send(m5.ack5(raw.PUBREC, second.pid, 0x83))  # Implementation specific error
    third = sub.receive()  # not a PUBREL: the QoS 2 exchange ended with the error PUBREC
    assert third.payload == b"accepted"
    assert m5.raw_before_marker(sub, pub, topic) == [], "a refused message was sent again"


# ------------------------------------------------------------ every packet within the client's limit
def packet_size(p):
    return 1 + len(raw.varint(len(p.body))) + len(p.body)


@xfail_on_mosquitto("no DISCONNECT reason codes for these cases")
@pytest.mark.parametrize("case", ["protocol_error", "takeover"])
def test_broker_never_sends_more_than_client_maximum_packet_size(broker, v5, case):
    """Not only PUBLISH: a DISCONNECT must drop its Reason String rather than
    exceed the client's Maximum Packet Size (MQTT-3.1.2-24, 3.14.2.2.3)."""
    limit = 32
    cid = unique("tiny-")
    c = v5.raw()
    c.send(m5.connect5(cid, props={m5.MAXIMUM_PACKET_SIZE: limit}))
    got = [c.expect(raw.CONNACK)]
    if case == "protocol_error":
        c.send(m5.publish5("a/b", b"x", props={m5.TOPIC_ALIAS: 0}))
        reason = m5.TOPIC_ALIAS_INVALID
    else:
        v5.connected(cid)
        reason = m5.SESSION_TAKEN_OVER
    got += c.wait_closed()
    assert got[-1].type == raw.DISCONNECT and m5.parse_disconnect(got[-1]).reason == reason, f"got {got!r}"
    too_big = [(p, packet_size(p)) for p in got if packet_size(p) > limit]
    assert not too_big, f"packets above the client's Maximum Packet Size {limit}: {too_big!r}"


@xfail_on_mosquitto("does not resend the expired message")
@pytest.mark.parametrize("qos", [1, 2])
def test_unacknowledged_message_resent_after_reconnect_even_if_expired_since(broker, v5, qos):
    """Message Expiry only stops deliveries that have not started (3.3.2.3.3);
    one sent and not acknowledged is resent on reconnect with its packet id
    (MQTT-4.4.0-1), and it must not keep its Receive Maximum slot for ever."""
    topic = unique("exp/")
    cid = unique("exp-")
    connect_props = {m5.SESSION_EXPIRY: 60, m5.RECEIVE_MAXIMUM: 1}
    sub = subscriber(v5, topic, qos, client_id=cid, props=connect_props)
    pub = v5.connected()
    published = time.monotonic()
    pub.publish(topic, b"delivery-started", qos=qos, props={m5.MESSAGE_EXPIRY: 1})
    first = sub.expect_publish()  # not acknowledged
    sub.close()
    m5.pass_time(published, 2.1)
    back = v5.raw()
    assert back.connect(cid, clean_start=False, props=connect_props).session_present
    pub.publish(topic, b"next", qos=qos)
    again = back.expect_publish(timeout=5)
    assert (again.payload, again.pid, again.dup) == (b"delivery-started", first.pid, True), \
        f"expected the unacknowledged PUBLISH resent with DUP, got {again!r}"
    back.acknowledge(again)
    assert back.receive(timeout=5).payload == b"next", "the in-flight slot was not freed"


@xfail_on_mosquitto("the session stays blocked")
def test_unacknowledged_message_too_big_for_the_new_connection_does_not_block(broker, v5):
    """Resent on reconnect, but the new connection's Maximum Packet Size is
    smaller: discarded "as if delivered" (MQTT-3.1.2-25), so later messages flow."""
    topic = unique("mps/")
    cid = unique("mps-")
    sub = subscriber(v5, topic, 1, client_id=cid, props={m5.SESSION_EXPIRY: 60, m5.RECEIVE_MAXIMUM: 1})
    pub = v5.connected()
    pub.publish(topic, b"L" * 500, qos=1)
    assert len(sub.expect_publish().payload) == 500  # not acknowledged
    sub.close()
    back = v5.raw()
    assert back.connect(cid, clean_start=False, props={m5.SESSION_EXPIRY: 60, m5.RECEIVE_MAXIMUM: 1,
                                                       m5.MAXIMUM_PACKET_SIZE: 200}).session_present
    pub.publish(topic, b"small", qos=1)
    got = back.receive(timeout=5)
    assert got.payload == b"small", f"got {got!r}"
