"""MQTT 5.0 PUBLISH properties end to end (3.3.2.3): Payload Format
Indicator, Content Type, Response Topic, Correlation Data and User
Properties reach subscribers unchanged (live, retained, queued offline);
real v5 clients (paho, mosquitto_pub/mosquitto_sub -V 5) see them; and
mixed versions: 3.1.1 <-> 5.0 in both directions."""

import pytest

import mqtt5 as m5
import mqtt_raw as raw
from mqtt5 import v5  # noqa: F401  (fixture)
from mqtt_paho import unique
from willgate_harness import Tool

opts = m5.sub_options

USER = [("device", "pump-7"), ("unit", "°C"), ("device", "again: duplicates and order are kept"), ("", "")]
PROPS = [
    (m5.PAYLOAD_FORMAT, 1),
    (m5.CONTENT_TYPE, "application/json; charset=utf-8"),
    (m5.RESPONSE_TOPIC, "reply/pump-7/ä"),
    (m5.CORRELATION_DATA, b"\x00\x01\xfe\xff-id"),
] + [(m5.USER_PROPERTY, u) for u in USER]
PAYLOAD = '{"temp": 21.5, "note": "grüße"}'.encode()


def assert_properties_kept(p):
    assert p.props.get(m5.PAYLOAD_FORMAT) == 1
    assert p.props.get(m5.CONTENT_TYPE) == "application/json; charset=utf-8"
    assert p.props.get(m5.RESPONSE_TOPIC) == "reply/pump-7/ä"
    assert p.props.get(m5.CORRELATION_DATA) == b"\x00\x01\xfe\xff-id"
    assert p.props.all(m5.USER_PROPERTY) == USER, "User Properties must arrive complete and in order (3.3.2.3.7)"
    allowed = {m5.PAYLOAD_FORMAT, m5.CONTENT_TYPE, m5.RESPONSE_TOPIC, m5.CORRELATION_DATA, m5.USER_PROPERTY,
               m5.MESSAGE_EXPIRY, m5.SUBSCRIPTION_ID, m5.TOPIC_ALIAS}
    assert p.props.ids() <= allowed, f"unexpected properties on delivery: {p.props!r}"


@pytest.mark.parametrize("pub_qos,sub_qos", [(0, 0), (1, 1), (2, 2), (2, 1), (1, 0)])
def test_properties_forwarded_to_live_subscriber(broker, v5, pub_qos, sub_qos):
    topic = unique("props/")
    sub = v5.connected()
    sub.subscribe([(topic, opts(sub_qos))])
    v5.connected().publish(topic, PAYLOAD, qos=pub_qos, props=PROPS)
    p = sub.receive()
    assert (p.topic, p.payload, p.qos) == (topic, PAYLOAD, min(pub_qos, sub_qos))
    assert_properties_kept(p)
    assert m5.MESSAGE_EXPIRY not in p.props


def test_properties_kept_with_retained_message(broker, v5):
    topic = unique("props/")
    v5.connected().publish(topic, PAYLOAD, qos=1, retain=True, props=PROPS)
    sub = v5.connected()
    sub.subscribe([(topic, opts(1))])
    p = sub.receive()
    assert p.retain and p.payload == PAYLOAD
    assert_properties_kept(p)


def test_properties_kept_for_offline_session(broker, v5):
    topic = unique("props/")
    cid = unique("off-")
    sub = v5.connected(cid, props={m5.SESSION_EXPIRY: 60})
    sub.subscribe([(topic, opts(2))])
    sub.disconnect()
    v5.connected().publish(topic, PAYLOAD, qos=2, props=PROPS)
    back = v5.raw()
    assert back.connect(cid, clean_start=False, props={m5.SESSION_EXPIRY: 60}).session_present
    p = back.receive()
    assert (p.payload, p.qos) == (PAYLOAD, 2)
    assert_properties_kept(p)


def test_payload_format_0_with_binary_payload_is_forwarded(broker, v5):
    topic = unique("props/")
    sub = v5.connected()
    sub.subscribe([(topic, opts(1))])
    binary = bytes(range(256))
    v5.connected().publish(topic, binary, qos=1, props={m5.PAYLOAD_FORMAT: 0})
    p = sub.receive()
    assert p.payload == binary and p.props.get(m5.PAYLOAD_FORMAT, 0) == 0


def test_many_user_properties_forwarded(broker, v5):
    topic = unique("props/")
    sub = v5.connected()
    sub.subscribe([(topic, opts(1))])
    many = [(f"k{i}", "v" * i) for i in range(200)]
    v5.connected().publish(topic, b"x", qos=1, props={m5.USER_PROPERTY: many})
    assert sub.receive().props.all(m5.USER_PROPERTY) == many


def test_request_response_pattern_with_paho_v5(broker, v5):
    """What an application does with these properties: a requester asks, a
    responder answers on the Response Topic with the Correlation Data."""
    responder = v5.paho()
    requester = v5.paho()
    assert responder.subscribe("svc/time", 1) == [1]
    reply_topic = unique("reply/")
    assert requester.subscribe(reply_topic, 1) == [1]
    request = m5.paho_props(ResponseTopic=reply_topic, CorrelationData=b"req-42", ContentType="text/plain",
                            UserProperty=[("lang", "de")], PayloadFormatIndicator=1)
    requester.publish("svc/time", "wie spät?", qos=1, properties=request)
    got = responder.wait_message("svc/time")
    assert got.payload == "wie spät?".encode()
    assert got.prop("ResponseTopic") == reply_topic
    assert got.prop("CorrelationData") == b"req-42"
    assert got.prop("ContentType") == "text/plain"
    assert got.prop("UserProperty") == [("lang", "de")]
    assert got.prop("PayloadFormatIndicator") == 1
    responder.publish(got.prop("ResponseTopic"), b"12:00", qos=1,
                      properties=m5.paho_props(CorrelationData=got.prop("CorrelationData")))
    answer = requester.wait_message(reply_topic)
    assert (answer.payload, answer.prop("CorrelationData")) == (b"12:00", b"req-42")


def test_mosquitto_clients_v5_properties(broker):
    topic = unique("cli/")
    fmt = "%t|%C|%R|%D|%P|%F|%E|%p"
    with Tool(["mosquitto_sub", "-V", "5", "-h", broker.host, "-p", str(broker.port), "-q", "1", "-t", topic,
               "-C", "1", "-W", "20", "-F", fmt, "-d"]) as sub:
        sub.wait_for_line(r"received SUBACK")
        with Tool(["mosquitto_pub", "-V", "5", "-h", broker.host, "-p", str(broker.port), "-q", "1", "-t", topic,
                   "-m", "hello-v5", "-D", "publish", "content-type", "text/plain",
                   "-D", "publish", "response-topic", "cli/reply", "-D", "publish", "correlation-data", "c0rr",
                   "-D", "publish", "user-property", "site", "north", "-D", "publish", "payload-format-indicator",
                   "1", "-D", "publish", "message-expiry-interval", "300"]) as pub:
            assert pub.finish() == 0, "\n".join(pub.lines())
        line = sub.wait_for_line(rf"^{topic}\|").string
        assert sub.finish() == 0
    t, content_type, response, corr, user, pfi, expiry, payload = line.split("|")
    assert (t, content_type, response, corr, user, pfi, payload) == \
        (topic, "text/plain", "cli/reply", "c0rr", "site:north", "1", "hello-v5")
    assert 295 <= int(expiry) <= 300, f"message-expiry-interval {expiry}"


# ------------------------------------------------------------ mixed versions
@pytest.mark.parametrize("qos", [0, 1, 2])
def test_v311_publisher_to_v5_subscriber(broker, v5, clients, qos):
    topic = unique("mixed/")
    sub = v5.connected()
    sub.subscribe([(topic, opts(2))])
    old = clients.raw()
    old.connect(unique("v311-"))
    old.send(raw.publish_packet(topic, b"from-3.1.1", qos=qos, pid=5 if qos else None))
    if qos:
        assert raw.packet_id(old.expect(raw.PUBACK if qos == 1 else raw.PUBREC)) == 5
    if qos == 2:
        old.send(raw.pubrel(5))
        old.expect(raw.PUBCOMP)
    p = sub.receive()
    assert (p.topic, p.payload, p.qos) == (topic, b"from-3.1.1", qos)
    assert p.props.items == [], f"a 3.1.1 message has no properties: {p.props!r}"


@pytest.mark.parametrize("qos", [0, 1, 2])
def test_v5_publisher_to_v311_subscriber(broker, v5, clients, qos):
    topic = unique("mixed/")
    old = clients.raw()
    old.connect(unique("v311-"))
    assert old.subscribe([(topic, 2)]) == [2]
    v5.connected().publish(topic, PAYLOAD, qos=qos, props=PROPS + [(m5.MESSAGE_EXPIRY, 60)])
    p = old.expect_publish()
    assert (p.topic, p.payload, p.qos) == (topic, PAYLOAD, qos), "properties must be dropped for 3.1.1"
    if qos == 1:
        old.send(raw.puback(p.pid))
    elif qos == 2:
        old.send(raw.pubrec(p.pid))
        assert raw.packet_id(old.expect(raw.PUBREL)) == p.pid
        old.send(raw.pubcomp(p.pid))
    old.ping()


def test_v5_retained_with_properties_to_v311_and_v5(broker, v5, clients):
    topic = unique("mixed/")
    v5.connected().publish(topic, PAYLOAD, qos=1, retain=True, props=PROPS)
    old = clients.paho()
    old.subscribe(topic, 1)
    got = old.wait_message(topic)
    assert (got.payload, got.retain) == (PAYLOAD, True)
    new = v5.paho()
    new.subscribe(topic, 1)
    got5 = new.wait_message(topic)
    assert got5.payload == PAYLOAD and got5.prop("ContentType") == "application/json; charset=utf-8"
