"""Will messages (MQTT 3.1.1 3.1.2.5-3.1.2.7, /work/shared/MQTT-WILLS.md):
published when a connection ends without DISCONNECT, never after one, once,
at min(Will QoS, subscription QoS), retained when asked.

Will clients are raw sockets so that the test controls exactly how the
connection ends; watchers are paho clients subscribed before the end."""

import socket
import time

import paho.mqtt.client as mqtt
import pytest

import mqtt_raw as raw
from mqtt_paho import messages_before_marker, unique
from willgate_harness import MOSQUITTO_KEEPALIVE, xfail_on_mosquitto


@pytest.fixture
def watcher(clients):
    return clients.watcher("will/#", 2)


def will_client(clients, client_id=None, **kw):
    return clients.raw_with_will(client_id, **kw)


@pytest.mark.parametrize("reset", [False, True], ids=["fin", "rst"])
def test_will_published_when_socket_closed_without_disconnect(broker, clients, watcher, reset):
    c, cid, topic, payload = will_client(clients)
    if broker.is_willgate:
        broker.wait_for_log(rf"\bconnected client={cid} peer={c.local_address} version=3\.1\.1 "
                            rf"keep_alive=60 clean_session=1 will={topic}(?: |$)")
    c.close(reset=reset)
    msg = watcher.wait_message(topic)
    assert msg.payload == payload
    assert msg.qos == 1 and not msg.retain
    broker.check_session_end_logged(cid, c.local_address, "peer-closed|io-error", "published")


@xfail_on_mosquitto(MOSQUITTO_KEEPALIVE)
def test_will_published_on_keep_alive_expiry(broker, clients, watcher):
    c, cid, topic, payload = will_client(clients, keepalive=1)
    connected_at = time.monotonic()
    c.wait_closed(timeout=5)
    closed_after = time.monotonic() - connected_at
    msg = watcher.wait_message(topic, payload)
    will_after = time.monotonic() - connected_at
    # 1.5 x keep-alive = 1.5 s (a little slack: we start the clock after CONNACK).
    assert closed_after >= 1.4, f"closed after {closed_after:.2f}s, before 1.5 x keep-alive"
    assert will_after <= 3.5, f"Will arrived {will_after:.2f}s after CONNACK (keep-alive 1s)"
    assert msg.qos == 1
    broker.check_session_end_logged(cid, c.local_address, "keep-alive-timeout", "published")


@xfail_on_mosquitto(MOSQUITTO_KEEPALIVE)
def test_connection_kept_while_client_pings_within_keep_alive(broker, clients, watcher):
    c, cid, topic, payload = will_client(clients, keepalive=1)
    deadline = time.monotonic() + 4.0
    while time.monotonic() < deadline:
        c.ping()
        # Nothing may arrive, and the connection must stay open, for 0.5 s
        # (a third of the 1.5 s the broker has to allow).
        with pytest.raises(TimeoutError):
            c.recv_packet(timeout=0.5)
    assert messages_before_marker(watcher, clients.paho(), topic) == []
    # Then stop pinging: the keep-alive now ends the connection, 1.5 s after
    # the last PINGREQ.
    c.ping()
    last_packet = time.monotonic()
    c.wait_closed(timeout=5)
    closed_after = time.monotonic() - last_packet
    assert 1.4 <= closed_after <= 3.5, f"closed {closed_after:.2f}s after the last PINGREQ (keep-alive 1 s)"
    assert watcher.wait_message(topic, payload).payload == payload
    broker.check_session_end_logged(cid, c.local_address, "keep-alive-timeout", "published")


def test_will_fires_after_protocol_error(broker, clients, watcher):
    c, cid, topic, payload = will_client(clients)
    # PUBLISH whose topic length (5) runs past the remaining length (2).
    c.send(bytes([0x30, 0x02, 0x00, 0x05]))
    c.wait_closed()
    assert watcher.wait_message(topic).payload == payload
    broker.check_session_end_logged(cid, c.local_address, "protocol-error", "published")


def test_will_fires_on_session_takeover(broker, clients, watcher):
    cid = unique("dev-")
    old, _, old_topic, old_payload = will_client(clients, cid, topic=f"will/{cid}/old")
    new, _, new_topic, new_payload = will_client(clients, cid, topic=f"will/{cid}/new")
    old.wait_closed()
    assert watcher.wait_message(old_topic).payload == old_payload
    new.ping()  # the new connection is the one that lives on
    broker.check_session_end_logged(cid, old.local_address, "taken-over", "published")
    # The new connection's Will belongs to the new connection only.
    new.disconnect()
    assert messages_before_marker(watcher, clients.paho(), new_topic) == []
    assert len(watcher.received(old_topic)) == 1
    broker.check_session_end_logged(cid, new.local_address, "disconnect", "none")


@pytest.mark.parametrize("v31", [False, True], ids=["mqtt311", "mqtt31"])
def test_will_not_published_after_disconnect(broker, clients, watcher, v31):
    c, cid, topic, payload = will_client(clients, v31=v31)
    c.disconnect()  # returns once the broker has closed its side: DISCONNECT processed
    before = messages_before_marker(watcher, clients.paho(), topic)
    assert before == [], f"Will published after a clean DISCONNECT: {before!r}"
    broker.check_session_end_logged(cid, c.local_address, "disconnect", "none")


@pytest.mark.parametrize("sub_qos", [0, 1, 2])
@pytest.mark.parametrize("will_qos", [0, 1, 2])
def test_will_delivered_at_min_of_will_qos_and_subscription_qos(broker, clients, will_qos, sub_qos):
    sub = clients.raw()
    sub.connect(unique("watch-"))
    assert sub.subscribe([("will/#", sub_qos)]) == [sub_qos]
    c, cid, topic, payload = will_client(clients, qos=will_qos)
    c.close(reset=True)
    pub = sub.expect_publish()
    assert (pub.topic, pub.payload) == (topic, payload)
    assert pub.qos == min(will_qos, sub_qos)
    assert not pub.retain and not pub.dup
    if pub.qos == 1:
        assert pub.pid, "QoS 1 PUBLISH needs a non-zero packet id"
        sub.send(raw.puback(pub.pid))
    elif pub.qos == 2:
        assert pub.pid, "QoS 2 PUBLISH needs a non-zero packet id"
        sub.send(raw.pubrec(pub.pid))
        rel = sub.expect(raw.PUBREL)
        assert rel.flags == 0x02 and raw.packet_id(rel) == pub.pid
        sub.send(raw.pubcomp(pub.pid))
    sub.ping()  # the flow completed without upsetting the broker
    with pytest.raises(TimeoutError):  # and the Will came once
        sub.recv_packet(timeout=0.3)


def test_will_retain_is_kept_for_later_subscribers(broker, clients, watcher):
    c, cid, topic, payload = will_client(clients, qos=1, retain=True)
    c.close()
    live = watcher.wait_message(topic)
    assert live.payload == payload
    assert not live.retain, "a live delivery to an existing subscription must have RETAIN 0 (3.3.1.3)"
    later = clients.paho()
    later.subscribe(topic, 1)
    msg = later.wait_message(topic)
    assert msg.payload == payload and msg.retain


def test_will_without_retain_is_not_retained(broker, clients, watcher):
    c, cid, topic, payload = will_client(clients, qos=1, retain=False)
    c.close()
    watcher.wait_message(topic, payload)
    later = clients.paho()
    later.subscribe(topic, 1)
    assert messages_before_marker(later, clients.paho(), topic) == []


def test_zero_byte_retained_will_clears_retained_message(broker, clients, watcher):
    publisher = clients.paho()
    topic = f"will/{unique('dev-')}"
    publisher.publish(topic, b"online", qos=1, retain=True)
    c, cid, topic, payload = will_client(clients, topic=topic, payload=b"", qos=1, retain=True)
    c.close()
    assert watcher.wait_message(topic, b"").payload == b""
    later = clients.paho()
    later.subscribe(topic, 1)
    assert messages_before_marker(later, publisher, topic) == [], "retained message not cleared"


def test_zero_byte_will_payload_is_delivered_as_zero_bytes(broker, clients, watcher):
    c, cid, topic, payload = will_client(clients, payload=b"")
    c.close()
    msg = watcher.wait_message(topic)
    assert msg.payload == b""


def test_binary_will_payload_is_delivered_unchanged(broker, clients, watcher):
    payload = bytes(range(256)) * 4
    c, cid, topic, _ = will_client(clients, payload=payload, qos=2)
    c.close(reset=True)
    assert watcher.wait_message(topic).payload == payload


def test_will_published_once_only(broker, clients, watcher):
    c, cid, topic, payload = will_client(clients, qos=2)
    # An error and the socket going away at once: both paths see the end.
    c.send(bytes([0x30, 0x02, 0x00, 0x05]))
    c.close(reset=True)
    watcher.wait_message(topic, payload)
    before = messages_before_marker(watcher, clients.paho(), topic)
    assert [m.payload for m in before] == [payload], f"Will delivered {len(before)} times"
    broker.check_session_end_logged(cid, c.local_address, "protocol-error|io-error|peer-closed", "published")


def test_will_of_mqtt31_client(broker, clients):
    watcher = clients.paho(protocol=mqtt.MQTTv31)
    watcher.subscribe("will/#", 1)
    c, cid, topic, payload = will_client(clients, v31=True, qos=1)
    if broker.is_willgate:
        broker.wait_for_log(rf"\bconnected client={cid} peer={c.local_address} version=3\.1 "
                            rf"keep_alive=60 clean_session=1 will={topic}(?: |$)")
    c.close()
    msg = watcher.wait_message(topic)
    assert msg.payload == payload and msg.qos == 1
    broker.check_session_end_logged(cid, c.local_address, "peer-closed|io-error", "published")


def test_will_of_paho_client_killed_mid_session(broker, clients, watcher):
    """The everyday case with a library client: it subscribes and publishes,
    then its connection drops."""
    cid = unique("paho-dev-")
    dev = clients.paho(client_id=cid, will=(f"will/{cid}", b"offline", 1, True))
    dev.subscribe("cmd/#", 1)
    dev.publish(f"telemetry/{cid}", b"21.5", qos=1)
    dev.client.socket().shutdown(socket.SHUT_RDWR)  # the connection goes away, no DISCONNECT
    msg = watcher.wait_message(f"will/{cid}")
    assert msg.payload == b"offline"


def test_will_with_largest_payload_and_utf8_topic(broker, clients):
    topic = "will/gerät/ü/设备"
    watcher = clients.watcher("will/#", 1)
    payload = bytes(i % 251 for i in range(65535))  # the longest a Will Payload can be
    c, cid, _, _ = will_client(clients, topic=topic, payload=payload, qos=1)
    c.close(reset=True)
    msg = watcher.wait_message(topic)
    assert msg.payload == payload


def test_will_queued_for_offline_persistent_subscriber(broker, clients):
    """A published Will is an ordinary message: a clean-session-0 subscriber
    that is offline gets it when it comes back."""
    sid = unique("dash-")
    dash = clients.paho(client_id=sid, clean_session=False)
    dash.subscribe("will/#", 1)
    dash.disconnect()
    online = clients.watcher("will/#", 1)
    c, cid, topic, payload = will_client(clients, qos=2)
    c.close()
    online.wait_message(topic, payload)  # the broker has published it
    back = clients.paho(client_id=sid, clean_session=False, connect=False)
    assert back.connect() == (True, 0)
    msg = back.wait_message(topic)
    assert msg.payload == payload and msg.qos == 1


@xfail_on_mosquitto("does not publish the old connection's Will when a clean-session-0 session is "
                    "taken over (3.1.1 leaves it open; MQTT-WILLS.md requires it)")
def test_will_fires_on_takeover_of_persistent_session(broker, clients, watcher):
    cid = unique("dev-")
    old, _, topic, payload = will_client(clients, cid, clean_session=False)
    new = clients.raw()
    assert new.connect(cid, clean_session=False) == (True, 0)
    old.wait_closed()
    assert watcher.wait_message(topic).payload == payload
    new.disconnect()
    assert len(watcher.received(topic)) == 1
    broker.check_session_end_logged(cid, old.local_address, "taken-over", "published")


def test_any_packet_resets_keep_alive(broker, clients, watcher):
    c, cid, topic, payload = will_client(clients, keepalive=1)
    deadline = time.monotonic() + 3.0
    pid = 1
    while time.monotonic() < deadline:
        c.send(raw.publish_packet("busy/t", b"x", qos=1, pid=pid))  # traffic, no PINGREQ
        assert raw.packet_id(c.expect(raw.PUBACK)) == pid
        pid += 1
        with pytest.raises(TimeoutError):  # still open and quiet for 0.5 s
            c.recv_packet(timeout=0.5)
    c.disconnect()
    assert messages_before_marker(watcher, clients.paho(), topic) == []
