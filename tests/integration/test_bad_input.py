"""Bad input (MQTT 3.1.1 1.5.3, 2.2.2, 2.2.3, 2.3.1, 3.1, 4.7, 4.8): every
protocol error closes only the offending connection. For each case we check
that the connection is closed, that a Will given in an accepted CONNECT is
published (and that one in a rejected CONNECT is not), that a client
connected beforehand keeps working, and (willgate) that the end of the
connection is logged exactly once with its cause."""

import socket
import time

import pytest

import mqtt_raw as raw
from mqtt_paho import messages_before_marker, unique
from willgate_harness import MOSQUITTO_KEEPALIVE, xfail_on_mosquitto


@pytest.fixture
def watcher(clients):
    return clients.watcher("will/#", 1)


def assert_error_after_connect(broker, clients, watcher, bystander, bad_bytes, cause="protocol-error"):
    """Connect with a Will, send ``bad_bytes``: closed, Will out, logged once."""
    c, cid, topic, payload = clients.raw_with_will()
    c.send(bad_bytes)
    c.wait_closed()
    assert watcher.wait_message(topic).payload == payload, "Will not published after a protocol error"
    bystander.assert_alive()
    broker.check_session_end_logged(cid, c.local_address, cause, "published")


def assert_rejected_before_connect(broker, clients, bystander, data, watcher=None, will_topic=None,
                                   allowed_rc=(None,)):
    """Send ``data`` as the first bytes: the broker closes without accepting a
    session (no CONNACK 0). ``allowed_rc`` lists acceptable CONNACK return codes
    before the close (None: no CONNACK at all)."""
    c = clients.raw()
    c.send(data)
    got = c.wait_closed()
    connacks = [p for p in got if p.type == raw.CONNACK]
    assert len(got) == len(connacks), f"unexpected packets before close: {got!r}"
    rc = connacks[0].body[1] if connacks else None
    assert rc in allowed_rc, f"CONNACK return code {rc!r}, allowed: {allowed_rc!r}"
    assert len(connacks) <= 1
    if will_topic is not None:
        assert messages_before_marker(watcher, clients.paho(), will_topic) == [], \
            "the Will of a rejected CONNECT was published"
    bystander.assert_alive()
    broker.check_rejected_connection_logged(c.local_address, "protocol-error")
    return c


# ----------------------------------------------------------- framing
def test_remaining_length_with_five_bytes_after_connect(broker, clients, watcher, bystander):
    assert_error_after_connect(broker, clients, watcher, bystander,
                               bytes([0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]) + b"\x00" * 16)


def test_remaining_length_with_five_bytes_as_first_packet(broker, clients, bystander):
    assert_rejected_before_connect(broker, clients, bystander,
                                   bytes([0x10, 0x80, 0x80, 0x80, 0x80, 0x01]) + b"\x00" * 16)


RESERVED_FLAGS = {
    "subscribe_flags_0": raw.subscribe_packet(1, [("a/b", 0)], flags=0x00),
    "subscribe_flags_f": raw.subscribe_packet(1, [("a/b", 0)], flags=0x0F),
    "unsubscribe_flags_0": raw.unsubscribe_packet(1, ["a/b"], flags=0x00),
    "pubrel_flags_0": raw.packet(raw.PUBREL, 0x00, b"\x00\x01"),
    "publish_qos_3": raw.packet(raw.PUBLISH, 0x06, raw.string("a/b") + b"\x00\x01payload"),
    "pingreq_flags_1": raw.packet(raw.PINGREQ, 0x01, b""),
    "puback_flags_2": raw.packet(raw.PUBACK, 0x02, b"\x00\x01"),
}


MOSQUITTO_IGNORES_FLAGS = xfail_on_mosquitto("does not check the reserved flags of PINGREQ/PUBACK "
                                             "(MQTT-2.2.2-2 requires closing the connection)")


@pytest.mark.parametrize("bad", [
    pytest.param(data, id=name, marks=MOSQUITTO_IGNORES_FLAGS if name in ("pingreq_flags_1", "puback_flags_2") else ())
    for name, data in RESERVED_FLAGS.items()])
def test_wrong_fixed_header_flags(broker, clients, watcher, bystander, bad):
    assert_error_after_connect(broker, clients, watcher, bystander, bad)


@pytest.mark.parametrize("first", [
    raw.pingreq(),
    raw.publish_packet("a/b", b"x"),
    raw.subscribe_packet(1, [("a/b", 0)]),
    raw.disconnect_packet(),
    # 'G' reads as a PUBACK header, 'E' as remaining length 69: the request is
    # long enough to complete that "packet".
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n"
    b"Connection: close\r\n\r\n",
], ids=["pingreq", "publish", "subscribe", "disconnect", "http_request"])
def test_first_packet_not_connect(broker, clients, bystander, first):
    assert_rejected_before_connect(broker, clients, bystander, first)


@xfail_on_mosquitto("closes the connection on a second CONNECT but does not publish its Will "
                    "(a protocol error close, MQTT-3.1.0-2 / 3.1.2.5)")
def test_second_connect(broker, clients, watcher, bystander):
    assert_error_after_connect(broker, clients, watcher, bystander, raw.connect_packet(unique("again-")))


# ----------------------------------------------------------- CONNECT
@pytest.mark.parametrize("name", ["MQTX", "mqtt", "MQIsdpX", ""])
def test_unknown_protocol_name(broker, clients, watcher, bystander, name):
    # 3.1.2.1: the server MAY disconnect; it MUST NOT go on as MQTT 3.1.1.
    data = raw.connect_packet(unique("dev-"), protocol_name=name, will_topic="will/proto",
                              will_payload=b"must-not-appear")
    assert_rejected_before_connect(broker, clients, bystander, data, watcher, "will/proto",
                                   allowed_rc=(None, 0x01))


@pytest.mark.parametrize("level", [2, 6, 255])
def test_unknown_protocol_level_gets_connack_1_then_close(broker, clients, watcher, bystander, level):
    data = raw.connect_packet(unique("dev-"), protocol_level=level, will_topic="will/level",
                              will_payload=b"must-not-appear")
    c = assert_rejected_before_connect(broker, clients, bystander, data, watcher, "will/level",
                                       allowed_rc=(0x01,))
    assert c.closed_by_peer


BAD_CONNECT_FLAGS = {
    "reserved_flag_set": raw.connect_packet("dev-r", reserved_flag=True),
    "will_qos_3": raw.connect_packet("dev-q3", will_topic="will/x", will_payload=b"x", will_qos=3),
    "will_qos_without_will_flag": raw.packet(raw.CONNECT, 0, raw.string("MQTT") + bytes([4, 0x02 | 0x08])
                                             + b"\x00\x3c" + raw.string("dev-wq")),
    "will_retain_without_will_flag": raw.packet(raw.CONNECT, 0, raw.string("MQTT") + bytes([4, 0x02 | 0x20])
                                                + b"\x00\x3c" + raw.string("dev-wr")),
    "password_without_username": raw.connect_packet("dev-pw", password=b"secret"),
    "truncated_will": raw.packet(raw.CONNECT, 0, raw.string("MQTT") + bytes([4, 0x02 | 0x04])
                                 + b"\x00\x3c" + raw.string("dev-tw") + raw.string("will/x")),
}


@pytest.mark.parametrize("data", list(BAD_CONNECT_FLAGS.values()), ids=list(BAD_CONNECT_FLAGS))
def test_malformed_connect(broker, clients, bystander, data):
    assert_rejected_before_connect(broker, clients, bystander, data)


@pytest.mark.parametrize("will_topic", ["will/+/x", "will/#", b"will/\xff", "will/a\x00b"],
                         ids=["plus", "hash", "bad_utf8", "nul"])
def test_invalid_will_topic_refuses_connection(broker, clients, bystander, will_topic):
    data = raw.connect_packet(unique("dev-"), will_topic=will_topic, will_payload=b"x")
    assert_rejected_before_connect(broker, clients, bystander, data)


@pytest.mark.parametrize("client_id", [b"ab\x00cd", b"ab\xffcd", b"\xed\xa0\x80"],
                         ids=["nul", "bad_utf8", "surrogate"])
def test_invalid_client_id(broker, clients, watcher, bystander, client_id):
    # 1.5.3: U+0000 / ill-formed UTF-8 in a string is a protocol error: the
    # server closes; 'identifier rejected' (0x02) first is acceptable.
    data = raw.connect_packet(client_id, will_topic="will/badid", will_payload=b"must-not-appear")
    assert_rejected_before_connect(broker, clients, bystander, data, watcher, "will/badid",
                                   allowed_rc=(None, 0x02))


# ----------------------------------------------------------- topics
BAD_TOPICS = {
    "invalid_utf8": b"a/\xff",
    "overlong_utf8": b"a/\xc0\xaf",
    "utf16_surrogate": b"a/\xed\xa0\x80",
    "nul": b"a/\x00/b",
    "empty": b"",
}


@pytest.mark.parametrize("topic", list(BAD_TOPICS.values()), ids=list(BAD_TOPICS))
def test_invalid_publish_topic(broker, clients, watcher, bystander, topic):
    assert_error_after_connect(broker, clients, watcher, bystander, raw.publish_packet(topic, b"x", qos=0))


@pytest.mark.parametrize("topic", ["a/+/b", "a/#", "+", "#"])
def test_wildcard_in_publish_topic(broker, clients, watcher, bystander, topic):
    assert_error_after_connect(broker, clients, watcher, bystander,
                               raw.publish_packet(topic, b"x", qos=1, pid=5))


def test_subscribe_with_no_filters(broker, clients, watcher, bystander):
    assert_error_after_connect(broker, clients, watcher, bystander, raw.packet(raw.SUBSCRIBE, 0x02, b"\x00\x01"))


def test_unsubscribe_with_no_filters(broker, clients, watcher, bystander):
    assert_error_after_connect(broker, clients, watcher, bystander, raw.packet(raw.UNSUBSCRIBE, 0x02, b"\x00\x01"))


@pytest.mark.parametrize("topic_filter", ["a/#/b", "a/b#", "a+/b", "#/a", b"a/\xff"])
def test_subscribe_with_invalid_filter(broker, clients, watcher, bystander, topic_filter):
    assert_error_after_connect(broker, clients, watcher, bystander,
                               raw.subscribe_packet(1, [(topic_filter, 0)]))


def test_subscribe_with_requested_qos_3(broker, clients, watcher, bystander):
    assert_error_after_connect(broker, clients, watcher, bystander, raw.subscribe_packet(1, [("a/b", 3)]))


PID_ZERO = {
    "publish_qos1": raw.packet(raw.PUBLISH, 0x02, raw.string("a/b") + b"\x00\x00x"),
    "publish_qos2": raw.packet(raw.PUBLISH, 0x04, raw.string("a/b") + b"\x00\x00x"),
    "subscribe": raw.subscribe_packet(0, [("a/b", 1)]),
    "unsubscribe": raw.unsubscribe_packet(0, ["a/b"]),
}


@pytest.mark.parametrize("bad", list(PID_ZERO.values()), ids=list(PID_ZERO))
def test_packet_id_zero(broker, clients, watcher, bystander, bad):
    assert_error_after_connect(broker, clients, watcher, bystander, bad)


# ----------------------------------------------------------- limits
def test_packet_larger_than_max_packet_size(broker_factory, clients_of):
    broker = broker_factory(limits={"max_packet_size": 1024})
    clients = clients_of(broker)
    watcher = clients.watcher("#", 1)
    bystander_topic = "bystander/t"
    c, cid, topic, payload = clients.raw_with_will()
    # Below the limit: accepted and delivered.
    ok = b"o" * 900
    c.send(raw.publish_packet("big/t", ok, qos=1, pid=1))
    assert raw.packet_id(c.expect(raw.PUBACK)) == 1
    assert watcher.wait_message("big/t").payload == ok
    # Above it: the connection is closed, its Will published, the message dropped.
    c.send(raw.publish_packet("big/t", b"x" * 2000, qos=1, pid=2))
    got = c.wait_closed()
    assert not any(p.type == raw.PUBACK for p in got), "oversized PUBLISH was acknowledged"
    assert watcher.wait_message(topic).payload == payload
    assert [m.payload for m in watcher.received("big/t")] == [ok]
    other = clients.paho()
    other.publish(bystander_topic, b"still-here", qos=1)
    watcher.wait_message(bystander_topic, b"still-here")
    broker.check_session_end_logged(cid, c.local_address, "protocol-error", "published")


@pytest.mark.willgate_only
@pytest.mark.parametrize("sent", [b"", raw.connect_packet("slow-dev")[:7]], ids=["nothing", "half_connect"])
def test_connection_without_connect_closed_by_connect_timeout(broker_factory, clients_of, sent):
    broker = broker_factory(limits={"connect_timeout": 1})
    clients = clients_of(broker)
    bystander = clients.paho()
    bystander.subscribe("b/t", 1)
    c = clients.raw()
    if sent:
        c.send(sent)
    opened = time.monotonic()
    got = c.wait_closed(timeout=6)
    elapsed = time.monotonic() - opened
    assert got == [], f"broker sent {got!r} to a client that never completed CONNECT"
    assert 0.9 <= elapsed <= 3.0, f"closed after {elapsed:.2f}s with connect_timeout = 1"
    clients.paho().publish("b/t", b"alive", qos=1)
    bystander.wait_message("b/t", b"alive")
    broker.check_rejected_connection_logged(c.local_address, "connect-timeout")


@xfail_on_mosquitto(MOSQUITTO_KEEPALIVE)
def test_half_sent_packet_then_silence_closed_by_keep_alive(broker, clients, watcher, bystander):
    c, cid, topic, payload = clients.raw_with_will(keepalive=1)
    whole = raw.publish_packet("a/b", b"0123456789", qos=1, pid=4)
    c.send(whole[:5])  # header says 17 bytes follow; 3 are sent
    last_byte = time.monotonic()
    c.wait_closed(timeout=6)
    elapsed = time.monotonic() - last_byte
    assert elapsed <= 3.5, f"closed {elapsed:.2f}s after the last byte (keep-alive 1 s)"
    assert watcher.wait_message(topic).payload == payload
    bystander.assert_alive()
    broker.check_session_end_logged(cid, c.local_address, "keep-alive-timeout", "published")


def test_client_that_stops_reading_does_not_stall_others(broker_factory, clients_of):
    broker = broker_factory(limits={"max_output_buffer": 65536})
    clients = clients_of(broker)
    stuck = clients.raw()
    stuck.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stuck.connect(unique("stuck-"))
    stuck.subscribe([("flood/#", 0)])
    # From here on `stuck` never reads again. (QoS 0 messages to a client that
    # cannot keep up may be dropped, so the healthy client only takes the end.)
    healthy = clients.paho()
    healthy.subscribe("flood/end", 1)
    pub = clients.paho()
    chunk = b"z" * 10_000
    for i in range(1000):  # 10 MB, far more than any socket buffers hold
        pub.publish(f"flood/{i % 10}", chunk, qos=0, timeout=30)
    pub.publish("flood/end", b"end", qos=1, timeout=30)
    healthy.wait_message("flood/end", b"end", timeout=30)
    assert broker.running()
    # New clients are still served promptly.
    bystander = clients.paho()
    bystander.subscribe("after/t", 1)
    clients.paho().publish("after/t", b"ok", qos=1)
    bystander.wait_message("after/t", b"ok")
