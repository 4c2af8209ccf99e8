"""Will messages of MQTT 5.0 clients (/work/shared/MQTT-WILLS.md, MQTT 5.0
3.1.2.5-3.1.2.7, 3.1.3.2, 3.14.4): every case of the 3.1.1 Will suite for a
v5 connection, plus what v5 adds: the DISCONNECT reason the client gets when
the broker ends the connection, DISCONNECT 0x04, and Will Properties.
(Will Delay Interval: test_v5_will_delay.py.)

Will clients are raw sockets, so the test controls how the connection ends."""

import time

import pytest

import mqtt5 as m5
import mqtt_raw as raw
from mqtt5 import v5  # noqa: F401  (fixture)
from mqtt_paho import messages_before_marker, unique
from willgate_harness import MOSQUITTO_KEEPALIVE, xfail_on_mosquitto


@pytest.fixture
def watcher(v5):
    return v5.watcher("will/#", 2)


def connected_log(broker, c, cid, topic, keep_alive=60, clean=1):
    if broker.is_willgate:
        broker.wait_for_log(rf"\bconnected client={cid} peer={c.local_address} version=5\.0 "
                            rf"keep_alive={keep_alive} clean_session={clean} will={topic}(?: |$)")


@pytest.mark.parametrize("reset", [False, True], ids=["fin", "rst"])
def test_will_published_when_socket_closed(broker, v5, watcher, reset):
    c, cid, topic, payload = v5.with_will()
    connected_log(broker, c, cid, topic)
    c.close(reset=reset)
    msg = watcher.wait_message(topic)
    assert (msg.payload, msg.qos, msg.retain) == (payload, 1, False)
    broker.check_session_end_logged(cid, c.local_address, "peer-closed|io-error", "published")


@xfail_on_mosquitto(MOSQUITTO_KEEPALIVE)
def test_will_published_on_keep_alive_expiry_with_disconnect_0x8d(broker, v5, watcher):
    c, cid, topic, payload = v5.with_will(keepalive=1)
    connected_at = time.monotonic()
    c.expect_disconnect(m5.KEEP_ALIVE_TIMEOUT, timeout=6)
    closed_after = time.monotonic() - connected_at
    assert watcher.wait_message(topic).payload == payload
    will_after = time.monotonic() - connected_at
    assert closed_after >= 1.4, f"closed after {closed_after:.2f}s, before 1.5 x keep-alive"
    assert will_after <= 3.5, f"Will arrived {will_after:.2f}s after CONNACK (keep-alive 1 s)"
    broker.check_session_end_logged(cid, c.local_address, "keep-alive-timeout", "published")


def test_will_published_after_protocol_error_with_disconnect_0x81(broker, v5, watcher):
    c, cid, topic, payload = v5.with_will()
    c.send(bytes([0x30, 0x02, 0x00, 0x05]))  # topic length 5 in a 2-byte packet
    c.expect_disconnect(m5.MALFORMED_PACKET)
    assert watcher.wait_message(topic).payload == payload
    broker.check_session_end_logged(cid, c.local_address, "protocol-error", "published")


MOSQUITTO_NO_0X8E = xfail_on_mosquitto("sends no DISCONNECT 0x8E to the old connection")


@MOSQUITTO_NO_0X8E
@pytest.mark.parametrize("clean_start", [True, False], ids=["clean_start_1", "clean_start_0"])
def test_takeover_sends_0x8e_and_publishes_old_will(broker, v5, watcher, clean_start):
    cid = unique("dev5-")
    old, _, old_topic, old_payload = v5.with_will(cid, topic=f"will/{cid}/old", props={m5.SESSION_EXPIRY: 60})
    new, _, new_topic, _ = v5.with_will(cid, topic=f"will/{cid}/new", clean_start=clean_start,
                                        props={m5.SESSION_EXPIRY: 60})
    assert new.connack.session_present is (not clean_start)
    old.expect_disconnect(m5.SESSION_TAKEN_OVER)
    assert watcher.wait_message(old_topic).payload == old_payload, "no Will Delay: the old Will goes at once"
    new.ping()
    broker.check_session_end_logged(cid, old.local_address, "taken-over", "published")
    new.disconnect()
    assert messages_before_marker(watcher, v5.paho(), new_topic) == []
    assert len(watcher.received(old_topic)) == 1
    broker.check_session_end_logged(cid, new.local_address, "disconnect", "none")


@pytest.mark.parametrize("disconnect", [m5.disconnect5(m5.SUCCESS), raw.packet(raw.DISCONNECT, 0, b""),
                                        m5.disconnect5(m5.SUCCESS, {m5.REASON_STRING: "bye"})],
                         ids=["reason_0", "no_reason_byte", "reason_0_with_properties"])
def test_will_not_published_after_disconnect_0x00(broker, v5, watcher, disconnect):
    c, cid, topic, payload = v5.with_will()
    c.send(disconnect)
    assert c.wait_closed() == [], "the broker answers a client's DISCONNECT with nothing"
    assert messages_before_marker(watcher, v5.paho(), topic) == [], "Will published after DISCONNECT 0x00"
    broker.check_session_end_logged(cid, c.local_address, "disconnect", "none")


def test_disconnect_0x04_publishes_the_will(broker, v5, watcher):
    c, cid, topic, payload = v5.with_will(qos=2)
    c.disconnect(m5.DISCONNECT_WITH_WILL)
    msg = watcher.wait_message(topic)
    assert (msg.payload, msg.qos) == (payload, 2)
    assert [m.payload for m in messages_before_marker(watcher, v5.paho(), topic)] == [payload]
    broker.check_session_end_logged(cid, c.local_address, "disconnect", "published")


def test_disconnect_0x04_without_will_is_harmless(broker, v5, bystander):
    c = v5.connected()
    c.disconnect(m5.DISCONNECT_WITH_WILL)
    bystander.assert_alive()
    broker.check_session_end_logged(c.client_id, c.local_address, "disconnect", "none")


@pytest.mark.parametrize("sub_qos", [0, 1, 2])
@pytest.mark.parametrize("will_qos", [0, 1, 2])
def test_will_delivered_at_min_of_will_qos_and_granted_qos(broker, v5, will_qos, sub_qos):
    sub = v5.connected()
    assert sub.subscribe([("will/#", sub_qos)]) == [sub_qos]
    c, cid, topic, payload = v5.with_will(qos=will_qos)
    c.close(reset=True)
    pub = sub.expect_publish()
    assert (pub.topic, pub.payload) == (topic, payload)
    assert pub.qos == min(will_qos, sub_qos)
    assert not pub.retain and not pub.dup
    assert (pub.pid is None) == (pub.qos == 0), f"packet id {pub.pid} at QoS {pub.qos}"
    sub.acknowledge(pub)  # the whole QoS 1/2 flow, PUBREL checked
    assert m5.raw_before_marker(sub, v5.connected(), topic) == []  # and the Will came once


def test_will_retain_kept_for_later_subscribers_with_properties(broker, v5, watcher):
    c, cid, topic, payload = v5.with_will(retain=True, will_props={m5.CONTENT_TYPE: "text/plain",
                                                                    m5.USER_PROPERTY: ("state", "dead")})
    c.close()
    live = watcher.wait_message(topic)
    assert live.payload == payload and not live.retain, "live delivery: RETAIN 0 (3.3.1.3)"
    later = v5.connected()
    later.subscribe([(topic, 1)])
    stored = later.receive()
    assert (stored.payload, stored.retain) == (payload, True)
    assert stored.props.get(m5.CONTENT_TYPE) == "text/plain"
    assert stored.props.all(m5.USER_PROPERTY) == [("state", "dead")]


def test_will_retain_with_retain_as_published_subscriber(broker, v5):
    rap = v5.connected()
    rap.subscribe([("will/#", m5.sub_options(1, retain_as_published=True))])
    c, cid, topic, payload = v5.with_will(retain=True)
    c.close()
    got = rap.receive()
    assert (got.payload, got.retain) == (payload, True)


def test_will_without_retain_is_not_retained(broker, v5, watcher):
    c, cid, topic, payload = v5.with_will(retain=False)
    c.close()
    watcher.wait_message(topic, payload)
    later = v5.paho()
    later.subscribe(topic, 1)
    assert messages_before_marker(later, v5.paho(), topic) == []


def test_zero_byte_retained_will_clears_retained_message(broker, v5, watcher):
    topic = f"will/{unique('dev5-')}"
    publisher = v5.paho()
    publisher.publish(topic, b"online", qos=1, retain=True)
    c, cid, _, _ = v5.with_will(topic=topic, payload=b"", retain=True)
    c.close()
    assert watcher.wait_message(topic, b"").payload == b""
    later = v5.paho()
    later.subscribe(topic, 1)
    assert messages_before_marker(later, publisher, topic) == [], "retained message not cleared"


def test_zero_byte_will_payload(broker, v5, watcher):
    c, cid, topic, _ = v5.with_will(payload=b"", will_props={m5.PAYLOAD_FORMAT: 1})
    c.close()
    msg = watcher.wait_message(topic)
    assert msg.payload == b"" and msg.prop("PayloadFormatIndicator") == 1


def test_will_published_once_only(broker, v5, watcher):
    c, cid, topic, payload = v5.with_will(qos=2)
    c.send(bytes([0x30, 0x02, 0x00, 0x05]))  # an error and the socket going away at once
    c.close(reset=True)
    watcher.wait_message(topic, payload)
    before = messages_before_marker(watcher, v5.paho(), topic)
    assert [m.payload for m in before] == [payload], f"Will delivered {len(before)} times"
    broker.check_session_end_logged(cid, c.local_address, "protocol-error|io-error|peer-closed", "published")


def test_disconnect_0x04_then_reset_publishes_once(broker, v5, watcher):
    c, cid, topic, payload = v5.with_will(qos=2)
    c.send(m5.disconnect5(m5.DISCONNECT_WITH_WILL))
    c.close(reset=True)
    watcher.wait_message(topic, payload)
    assert [m.payload for m in messages_before_marker(watcher, v5.paho(), topic)] == [payload]


# ------------------------------------------------------------ Will Properties
WILL_PROPS = [
    (m5.PAYLOAD_FORMAT, 1),
    (m5.MESSAGE_EXPIRY, 300),
    (m5.CONTENT_TYPE, "application/json"),
    (m5.RESPONSE_TOPIC, "ops/restart/pump-7"),
    (m5.CORRELATION_DATA, b"\x00incident-1\xff"),
    (m5.USER_PROPERTY, ("reason", "power lost")),
    (m5.USER_PROPERTY, ("site", "north")),
]


def test_will_properties_are_forwarded(broker, v5):
    sub = v5.connected()
    sub.subscribe([("will/#", 2)])
    payload = '{"state": "offline", "seit": "jetzt"}'.encode()
    c, cid, topic, _ = v5.with_will(payload=payload, qos=2, will_props=WILL_PROPS)
    connected_log(broker, c, cid, topic)
    c.close(reset=True)
    p = sub.receive()
    assert (p.topic, p.payload, p.qos) == (topic, payload, 2)
    assert p.props.get(m5.PAYLOAD_FORMAT) == 1
    assert p.props.get(m5.CONTENT_TYPE) == "application/json"
    assert p.props.get(m5.RESPONSE_TOPIC) == "ops/restart/pump-7"
    assert p.props.get(m5.CORRELATION_DATA) == b"\x00incident-1\xff"
    assert p.props.all(m5.USER_PROPERTY) == [("reason", "power lost"), ("site", "north")]
    assert 295 <= p.props.get(m5.MESSAGE_EXPIRY, 0) <= 300, f"Message Expiry {p.props!r}"
    assert m5.WILL_DELAY not in p.props, "Will Delay Interval is not a PUBLISH property"


def test_will_properties_seen_by_paho_and_dropped_for_311(broker, v5, clients):
    new = v5.watcher("will/#", 1)
    old = clients.watcher("will/#", 1)
    c, cid, topic, payload = v5.with_will(will_props=WILL_PROPS)
    c.close()
    got = new.wait_message(topic)
    assert got.payload == payload
    assert got.prop("ContentType") == "application/json"
    assert got.prop("ResponseTopic") == "ops/restart/pump-7"
    assert got.prop("CorrelationData") == b"\x00incident-1\xff"
    assert got.prop("UserProperty") == [("reason", "power lost"), ("site", "north")]
    assert old.wait_message(topic).payload == payload, "a 3.1.1 subscriber gets the plain Will"


def test_will_of_v311_client_reaches_v5_subscriber_without_properties(broker, v5, clients):
    sub = v5.connected()
    sub.subscribe([("will/#", 1)])
    c, cid, topic, payload = clients.raw_with_will()
    c.close()
    p = sub.receive()
    assert (p.topic, p.payload) == (topic, payload)
    assert p.props.items == []


def test_will_with_paho_v5_client_killed(broker, v5, watcher):
    cid = unique("paho5-dev-")
    props = m5.paho_props(m5.PacketTypes.WILLMESSAGE, ContentType="text/plain", UserProperty=[("why", "crash")])
    dev = v5.paho(cid, will=(f"will/{cid}", b"offline", 1, True, props))
    dev.subscribe("cmd/#", 1)
    dev.publish(f"telemetry/{cid}", b"21.5", qos=1)
    dev.client.socket().shutdown(2)  # socket.SHUT_RDWR: the connection goes away, no DISCONNECT
    msg = watcher.wait_message(f"will/{cid}")
    assert msg.payload == b"offline"
    assert (msg.prop("ContentType"), msg.prop("UserProperty")) == ("text/plain", [("why", "crash")])


@pytest.mark.parametrize("old_version", [pytest.param("5.0", marks=MOSQUITTO_NO_0X8E), "3.1.1"])
def test_takeover_across_protocol_versions(broker, v5, clients, watcher, old_version):
    cid = unique("dev-")
    topic = f"will/{cid}"
    if old_version == "5.0":
        old, _, _, payload = v5.with_will(cid, topic=topic)
        new = clients.raw()
        new.connect(cid)
        old.expect_disconnect(m5.SESSION_TAKEN_OVER)
    else:
        old, _, _, payload = clients.raw_with_will(cid, topic=topic)
        new = v5.connected(cid)
        assert old.wait_closed() == [], "a 3.1.1 client must not get a DISCONNECT"
    assert watcher.wait_message(topic).payload == payload
    new.ping()
    broker.check_session_end_logged(cid, old.local_address, "taken-over", "published")
