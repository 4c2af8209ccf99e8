"""Retained messages (MQTT 3.1.1 3.3.1.3, 3.8.4): set, replace, clear with a
zero-byte payload; delivered with RETAIN 1 to new subscriptions and with
RETAIN 0 to subscriptions that already existed."""

import pytest

from mqtt_paho import messages_before_marker


def test_retained_message_delivered_to_new_subscriber_with_retain_flag(broker, clients):
    pub = clients.paho()
    pub.publish("r/state", b"on", qos=1, retain=True)
    pub.disconnect()  # the retained message outlives its publisher's connection
    sub = clients.paho()
    sub.subscribe("r/state", 1)
    msg = sub.wait_message("r/state")
    assert (msg.payload, msg.retain, msg.qos) == (b"on", True, 1)
    before = messages_before_marker(sub, clients.paho(), "r/state")
    assert [m.payload for m in before] == [b"on"], "retained message sent more than once"


def test_retained_message_replaced_by_newer_one(broker, clients):
    pub = clients.paho()
    pub.publish("r/state", b"first", qos=1, retain=True)
    pub.publish("r/state", b"second", qos=1, retain=True)
    sub = clients.paho()
    sub.subscribe("r/state", 1)
    before = messages_before_marker(sub, pub, "r/state")
    assert [(m.payload, m.retain) for m in before] == [(b"second", True)]


def test_non_retained_publish_leaves_retained_message(broker, clients):
    pub = clients.paho()
    pub.publish("r/state", b"kept", qos=1, retain=True)
    pub.publish("r/state", b"passing", qos=1, retain=False)
    sub = clients.paho()
    sub.subscribe("r/state", 1)
    before = messages_before_marker(sub, pub, "r/state")
    assert [(m.payload, m.retain) for m in before] == [(b"kept", True)]


def test_empty_retained_payload_clears_retained_message(broker, clients):
    pub = clients.paho()
    existing = clients.paho()
    existing.subscribe("r/state", 1)
    pub.publish("r/state", b"on", qos=1, retain=True)
    pub.publish("r/state", b"", qos=1, retain=True)
    # The clearing publish is still delivered, as a normal message, to current subscribers.
    cleared = existing.wait_message("r/state", b"")
    assert cleared.retain is False
    sub = clients.paho()
    sub.subscribe("r/state", 1)
    assert messages_before_marker(sub, pub, "r/state") == [], "retained message was not cleared"


def test_live_retained_publish_has_retain_0_for_existing_subscribers(broker, clients):
    sub = clients.paho()
    sub.subscribe("r/live", 2)
    clients.paho().publish("r/live", b"now", qos=1, retain=True)
    msg = sub.wait_message("r/live", b"now")
    assert msg.retain is False, "MQTT 3.1.1 3.3.1.3: RETAIN must be 0 for an established subscription"


def test_retained_messages_delivered_for_wildcard_subscription(broker, clients):
    pub = clients.paho()
    expected = {f"r/dev{i}/status": f"s{i}".encode() for i in range(5)}
    for topic, payload in expected.items():
        pub.publish(topic, payload, qos=1, retain=True)
    pub.publish("other/x", b"no", qos=1, retain=True)
    sub = clients.paho()
    sub.subscribe("r/+/status", 1)
    # Retained messages are sent for the new subscription before this live marker.
    messages_before_marker(sub, pub, "r/dev0/status")
    got = [m for m in sub.received() if not m.payload.startswith(b"marker-")]
    assert sorted((m.topic, m.payload) for m in got) == sorted(expected.items())
    assert all(m.retain for m in got)


@pytest.mark.parametrize("pub_qos,sub_qos", [(2, 1), (0, 2), (1, 0), (2, 2)])
def test_retained_message_delivered_at_min_qos(broker, clients, pub_qos, sub_qos):
    clients.paho().publish("r/q", b"x", qos=pub_qos, retain=True)
    sub = clients.paho()
    sub.subscribe("r/q", sub_qos)
    msg = sub.wait_message("r/q")
    assert msg.retain and msg.qos == min(pub_qos, sub_qos)


def test_retained_message_resent_when_subscription_repeated(broker, clients):
    clients.paho().publish("r/again", b"v", qos=1, retain=True)
    sub = clients.paho()
    sub.subscribe("r/again", 1)
    sub.wait_message("r/again", b"v")
    sub.subscribe("r/again", 1)  # 3.8.4: retained messages MUST be re-sent
    sub.wait_count(2, "r/again")
    assert all(m.retain for m in sub.received("r/again"))


def test_retained_dollar_topic_not_delivered_to_hash_subscription(broker, clients):
    pub = clients.paho()
    pub.publish("$wg/retained", b"d", qos=1, retain=True)
    pub.publish("plain/retained", b"p", qos=1, retain=True)
    sub = clients.paho()
    sub.subscribe("#", 1)
    # All retained messages for the subscription come before this live marker.
    messages_before_marker(sub, pub, "plain/retained")
    assert sub.received("plain/retained")[0].payload == b"p"
    control = clients.paho()
    control.subscribe("$wg/#", 1)
    assert control.wait_message("$wg/retained").retain
    assert not [m for m in sub.received() if m.topic.startswith("$")]
