"""Publish/subscribe at QoS 0/1/2 (MQTT 3.1.1 4.3, 3.8.4, 4.7.2): full
acknowledgement flows in both directions, QoS downgrade, exactly-once,
overlapping subscriptions, `$` topics and unsubscribe; checked with raw
sockets, paho and the real mosquitto_pub/mosquitto_sub command-line clients."""

import pytest

import mqtt_raw as raw
from mqtt_paho import messages_before_marker, unique
from willgate_harness import Tool, xfail_on_mosquitto


def raw_publish(client, topic, payload, qos, pid=1):
    """A raw PUBLISH with the full sender-side flow, checking each ack."""
    client.send(raw.publish_packet(topic, payload, qos, pid=pid if qos else None))
    if qos == 1:
        ack = client.expect(raw.PUBACK)
        assert raw.packet_id(ack) == pid and ack.flags == 0
    elif qos == 2:
        rec = client.expect(raw.PUBREC)
        assert raw.packet_id(rec) == pid and rec.flags == 0
        client.send(raw.pubrel(pid))
        comp = client.expect(raw.PUBCOMP)
        assert raw.packet_id(comp) == pid and comp.flags == 0


def raw_receive(client, expect_qos):
    """Receive one PUBLISH and complete the receiver-side flow."""
    pub = client.expect_publish()
    assert pub.qos == expect_qos, f"delivered at QoS {pub.qos}, expected {expect_qos}"
    if pub.qos == 0:
        assert pub.pid is None
    else:
        assert pub.pid, "packet id 0 on a QoS>0 PUBLISH"
    if pub.qos == 1:
        client.send(raw.puback(pub.pid))
    elif pub.qos == 2:
        client.send(raw.pubrec(pub.pid))
        rel = client.expect(raw.PUBREL)
        assert raw.packet_id(rel) == pub.pid and rel.flags == 0x02
        client.send(raw.pubcomp(pub.pid))
    return pub


@pytest.mark.parametrize("sub_qos", [0, 1, 2])
@pytest.mark.parametrize("pub_qos", [0, 1, 2])
def test_publish_flows_and_delivery_at_min_qos(broker, clients, pub_qos, sub_qos):
    sub = clients.raw()
    sub.connect(unique("sub-"))
    assert sub.subscribe([("q/t", sub_qos)], pid=7) == [sub_qos]
    pub = clients.raw()
    pub.connect(unique("pub-"))
    payload = f"p{pub_qos}s{sub_qos}".encode()
    raw_publish(pub, "q/t", payload, pub_qos, pid=42)
    got = raw_receive(sub, min(pub_qos, sub_qos))
    assert (got.topic, got.payload, got.retain, got.dup) == ("q/t", payload, False, False)
    # Both connections are still healthy after the flows, and nothing else came.
    pub.ping()
    sub.ping()


def test_qos2_publish_resent_before_pubrel_is_delivered_once(broker, clients):
    watcher = clients.paho()
    watcher.subscribe("q/once", 2)
    pub = clients.raw()
    pub.connect(unique("pub-"))
    pub.send(raw.publish_packet("q/once", b"exactly-once", qos=2, pid=9))
    assert raw.packet_id(pub.expect(raw.PUBREC)) == 9
    # The PUBREC "got lost": the sender resends with DUP before releasing.
    pub.send(raw.publish_packet("q/once", b"exactly-once", qos=2, pid=9, dup=True))
    assert raw.packet_id(pub.expect(raw.PUBREC)) == 9
    pub.send(raw.pubrel(9))
    assert raw.packet_id(pub.expect(raw.PUBCOMP)) == 9
    before = messages_before_marker(watcher, clients.paho(), "q/once")
    assert [m.payload for m in before] == [b"exactly-once"]
    assert before[0].qos == 2


def test_qos1_messages_on_one_topic_arrive_in_order(broker, clients):
    sub = clients.paho()
    sub.subscribe("q/order", 1)
    pub = clients.paho()
    payloads = [f"{i:04d}".encode() for i in range(200)]
    for p in payloads:
        pub.client.publish("q/order", p, 1)
    got = sub.wait_count(len(payloads), "q/order", timeout=30)
    assert [m.payload for m in got] == payloads


@pytest.mark.parametrize("qos", [0, 1, 2])
def test_paho_publish_reaches_mosquitto_sub(broker, clients, qos):
    argv = ["mosquitto_sub", "-h", broker.host, "-p", str(broker.port), "-t", "cli/t", "-C", "1",
            "-q", str(qos), "-v", "-d", "-i", unique("msub-")]
    with Tool(argv) as sub:
        sub.wait_for_line(r"received SUBACK")
        clients.paho().publish("cli/t", b"hello from paho", qos=2)
        sub.wait_for_line(r"^cli/t hello from paho$")
        assert sub.finish() == 0
        flows = {0: [], 1: [r"sending PUBACK"], 2: [r"sending PUBREC", r"received PUBREL", r"sending PUBCOMP"]}
        m = sub.wait_for_line(r"received PUBLISH \(d0, q(\d)")
        assert int(m.group(1)) == qos
        for step in flows[qos]:
            sub.wait_for_line(step)


@pytest.mark.parametrize("qos", [0, 1, 2])
def test_mosquitto_pub_reaches_paho_subscriber(broker, clients, qos):
    sub = clients.paho()
    sub.subscribe("cli/in", 2)
    argv = ["mosquitto_pub", "-h", broker.host, "-p", str(broker.port), "-t", "cli/in",
            "-m", f"hello at {qos}", "-q", str(qos), "-d", "-i", unique("mpub-")]
    with Tool(argv) as pub:
        assert pub.finish() == 0, "\n".join(pub.lines())
        flows = {0: [], 1: [r"received PUBACK"], 2: [r"received PUBREC", r"sending PUBREL", r"received PUBCOMP"]}
        for step in flows[qos]:
            pub.wait_for_line(step, timeout=1)
    msg = sub.wait_message("cli/in")
    assert msg.payload == f"hello at {qos}".encode() and msg.qos == qos


def test_mosquitto_sub_and_pub_qos2_end_to_end(broker):
    argv = ["mosquitto_sub", "-h", broker.host, "-p", str(broker.port), "-t", "cli/#", "-C", "3",
            "-q", "2", "-v", "-d", "-i", unique("msub-")]
    with Tool(argv) as sub:
        sub.wait_for_line(r"received SUBACK")
        for i in range(3):
            with Tool(["mosquitto_pub", "-h", broker.host, "-p", str(broker.port), "-t", f"cli/{i}",
                       "-m", f"m{i}", "-q", "2"]) as pub:
                assert pub.finish() == 0
        assert sub.finish() == 0
        assert [l for l in sub.lines() if l.startswith("cli/")] == ["cli/0 m0", "cli/1 m1", "cli/2 m2"]


MOSQUITTO_OVERLAP = ("sends a single copy at the QoS of one matching subscription, not the highest "
                     "(MQTT 3.1.1 3.3.5)")


@xfail_on_mosquitto(MOSQUITTO_OVERLAP)
def test_overlapping_subscriptions_deliver_once_at_highest_qos(broker, clients):
    sub = clients.raw()
    sub.connect(unique("sub-"))
    assert sub.subscribe([("ov/#", 0), ("ov/+", 2), ("ov/a", 1)]) == [0, 2, 1]
    pub = clients.raw()
    pub.connect(unique("pub-"))
    raw_publish(pub, "ov/a", b"one", 2)
    got = raw_receive(sub, 2)
    assert got.payload == b"one"
    # A second copy would have been routed together with the first, so before
    # this marker on the same topic.
    raw_publish(pub, "ov/a", b"marker", 0)
    nxt = sub.expect_publish()
    assert nxt.payload == b"marker", f"second copy of the message delivered: {nxt!r}"


@xfail_on_mosquitto(MOSQUITTO_OVERLAP)
def test_overlapping_subscriptions_deliver_at_highest_qos(broker, clients):
    sub = clients.paho()
    assert sub.subscribe([("ov/#", 0), ("ov/+", 2), ("ov/a", 1)]) == [0, 2, 1]
    clients.paho().publish("ov/a", b"one", qos=2)
    sub.wait_message("ov/a", b"one")
    # 3.3.5: the message goes out respecting the maximum QoS of all matching subscriptions.
    assert max(m.qos for m in sub.received("ov/a")) == 2


def test_dollar_topics_not_matched_by_first_level_wildcards(broker, clients):
    control = clients.paho()
    control.subscribe("$wg/#", 1)
    hash_sub = clients.paho()
    hash_sub.subscribe("#", 1)
    plus_sub = clients.paho()
    plus_sub.subscribe("+/x", 1)
    pub = clients.paho()
    pub.publish("$wg/x", b"dollar", qos=1)
    # The broker routed it: a filter starting with '$' still matches it (4.7.2).
    control.wait_message("$wg/x", b"dollar")
    pub.publish("m/x", b"after", qos=1)
    hash_sub.wait_message("m/x", b"after")
    plus_sub.wait_message("m/x", b"after")
    assert hash_sub.received("$wg/x") == [], "'#' matched a topic starting with '$'"
    assert plus_sub.received("$wg/x") == [], "'+/x' matched a topic starting with '$'"


def test_sys_topic_not_matched_by_hash(broker, clients):
    hash_sub = clients.paho()
    hash_sub.subscribe("#", 1)
    pub = clients.paho()
    # Brokers may refuse client publishes to $SYS; either way '#' must not see it.
    pub.publish("$SYS/x", b"sys", qos=1)
    pub.publish("m/x", b"after", qos=1)
    hash_sub.wait_message("m/x", b"after")
    assert not [m for m in hash_sub.received() if m.topic.startswith("$")]


def test_unsubscribe_stops_delivery(broker, clients):
    sub = clients.paho()
    sub.subscribe("u/t", 1)
    pub = clients.paho()
    pub.publish("u/t", b"before", qos=1)
    sub.wait_message("u/t", b"before")
    sub.unsubscribe("u/t")
    pub.publish("u/t", b"while-unsubscribed", qos=1)  # PUBACK: the broker has routed it
    sub.subscribe("u/t", 1)
    # Anything routed to us before the new subscription arrives before this marker.
    before = messages_before_marker(sub, pub, "u/t")
    assert [m.payload for m in before] == [b"before"]


def test_unsubscribe_one_filter_keeps_the_others(broker, clients):
    sub = clients.raw()
    sub.connect(unique("sub-"))
    sub.subscribe([("k/a", 1), ("k/b", 1)])
    sub.send(raw.unsubscribe_packet(5, ["k/a"]))
    assert raw.packet_id(sub.expect(raw.UNSUBACK)) == 5
    pub = clients.paho()
    pub.publish("k/a", b"gone", qos=1)
    pub.publish("k/b", b"kept", qos=1)
    got = raw_receive(sub, 1)
    assert (got.topic, got.payload) == ("k/b", b"kept")


def test_inflight_window_limits_unacknowledged_deliveries(broker_factory, clients_of):
    broker = broker_factory(limits={"max_inflight_messages": 2})
    clients = clients_of(broker)
    sub = clients.raw()
    sub.connect(unique("slow-"))
    sub.subscribe([("w/t", 1)])
    pub = clients.paho()
    for i in range(5):
        pub.publish("w/t", f"m{i}".encode(), qos=1)  # the broker takes each one
    first, second = sub.expect_publish(), sub.expect_publish()
    assert [first.payload, second.payload] == [b"m0", b"m1"]
    # Two unacknowledged: the window is full, nothing more may come for now.
    with pytest.raises(TimeoutError):
        sub.recv_packet(timeout=0.5)
    got = [first, second]
    for i in range(3):
        sub.send(raw.puback(got[i].pid))
        got.append(sub.expect_publish())
    assert [p.payload for p in got] == [b"m0", b"m1", b"m2", b"m3", b"m4"]
    assert len({p.pid for p in got[:2]}) == 2, "two in-flight messages share a packet id"
    for p in got[3:]:
        sub.send(raw.puback(p.pid))
    sub.ping()


@pytest.mark.parametrize("qos", [1, 2])
def test_mqtt31_command_line_clients(broker, qos):
    sub_argv = ["mosquitto_sub", "-V", "mqttv31", "-h", broker.host, "-p", str(broker.port), "-t", "v31/t",
                "-C", "1", "-q", str(qos), "-v", "-d", "-i", unique("msub31-")]
    with Tool(sub_argv) as sub:
        sub.wait_for_line(r"received SUBACK")
        with Tool(["mosquitto_pub", "-V", "mqttv31", "-h", broker.host, "-p", str(broker.port),
                   "-t", "v31/t", "-m", "old-protocol", "-q", str(qos), "-i", unique("mpub31-")]) as pub:
            assert pub.finish() == 0, "\n".join(pub.lines())
        sub.wait_for_line(r"^v31/t old-protocol$")
        assert sub.finish() == 0


@pytest.mark.parametrize("remaining_length", [127, 128, 16383, 16384, 65536, 1_000_000])
def test_payload_sizes_across_length_encoding_boundaries(broker, clients, remaining_length):
    """Remaining Length is a varint: 1 byte up to 127, 2 up to 16383, 3 up to 2097151."""
    topic = "len/t"
    payload = bytes(i % 253 for i in range(remaining_length - (2 + len(topic) + 2)))
    sub = clients.raw()
    sub.connect(unique("sub-"))
    sub.subscribe([(topic, 1)])
    pub = clients.raw()
    pub.connect(unique("pub-"))
    data = raw.publish_packet(topic, payload, qos=1, pid=3)
    assert data[1:].startswith(raw.varint(remaining_length))
    raw_publish(pub, topic, payload, 1, pid=3)
    got = raw_receive(sub, 1)
    assert got.payload == payload


# (filter, topic, matches) from MQTT 3.1.1 4.7.1 and 4.7.3.
MATCHING = [
    ("sport/tennis/player1/#", "sport/tennis/player1", True),
    ("sport/tennis/player1/#", "sport/tennis/player1/ranking", True),
    ("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", True),
    ("sport/#", "sport", True),
    ("sport/tennis/+", "sport/tennis/player1", True),
    ("sport/tennis/+", "sport/tennis/player1/ranking", False),
    ("sport/+", "sport", False),
    ("sport/+", "sport/", True),
    ("+/+", "/finance", True),
    ("/+", "/finance", True),
    ("+", "/finance", False),
    ("a/+/b", "a//b", True),
    ("+/tennis/#", "sport/tennis/x", True),
    ("ACCOUNTS", "Accounts", False),
    ("Accounts", "Accounts", True),
    ("a/b", "a/b/c", False),
    ("#", "any/thing", True),
]


def test_topic_filter_matching(broker, clients):
    filters = sorted({f for f, _, _ in MATCHING})
    subs = {}
    for i, f in enumerate(filters):
        c = clients.paho()
        c.subscribe([(f, 1), (f"sync/{i}", 1)])
        subs[f] = (c, f"sync/{i}")
    pub = clients.paho()
    topics = sorted({t for _, t, _ in MATCHING})
    for t in topics:
        pub.publish(t, t.encode(), qos=1)
    # One publisher, one QoS: its messages reach each subscriber in order, so
    # after the sync message everything that was going to match has arrived.
    for f, (c, sync) in subs.items():
        pub.publish(sync, b"sync", qos=1)
        c.wait_message(sync, b"sync")
    for f, t, expected in MATCHING:
        c = subs[f][0]
        got = [m for m in c.received(t) if m.payload == t.encode()]
        assert len(got) == (1 if expected else 0), f"filter {f!r} vs topic {t!r}: {len(got)} deliveries"


def test_unsubscribe_of_unknown_filter_is_acknowledged(broker, clients):
    c = clients.raw()
    c.connect(unique("u-"))
    c.send(raw.unsubscribe_packet(12, ["never/subscribed"]))
    assert raw.packet_id(c.expect(raw.UNSUBACK)) == 12
    c.ping()


def test_qos1_stream_larger_than_output_buffer_arrives_complete(broker_factory, clients_of):
    """A subscriber slower than the publisher: QoS 1 messages wait in the
    session (max_queued_messages) instead of being dropped when the
    connection's output buffer is full."""
    broker = broker_factory(limits={"max_output_buffer": 65536, "max_queued_messages": 1000})
    clients = clients_of(broker)
    sub = clients.paho()
    sub.subscribe("big/#", 1)
    pub = clients.paho()
    payloads = [b"%04d" % i + b"z" * 10_000 for i in range(500)]  # 5 MB
    for p in payloads:
        pub.client.publish("big/t", p, 1)
    got = sub.wait_count(len(payloads), "big/", timeout=60)
    assert [m.payload[:4] for m in got] == [p[:4] for p in payloads]
    assert all(m.payload == p for m, p in zip(got, payloads))
