"""MQTT 5.0 Will Delay Interval (3.1.3.2.2, MQTT-WILLS.md "Timing"): the
Will goes out when the delay ends or the session ends, whichever is first;
not at all if the same Client Identifier reconnects with Clean Start 0 in
time; at once if it reconnects with Clean Start 1 (that ends the old
session). Delays are 1-3 s to keep the suite quick; timing assertions leave
room for a loaded CI machine."""

import re
import time

import pytest

import mqtt5 as m5
from mqtt5 import v5  # noqa: F401  (fixture)
from mqtt_paho import messages_before_marker, unique
from willgate_harness import xfail_on_mosquitto

MOSQUITTO_WAITS = xfail_on_mosquitto("waits for the Will Delay although the session has ended")


@pytest.fixture
def watcher(v5):
    return v5.watcher("will/#", 1)


def delayed_will_client(v5, delay, session_expiry, client_id=None, **kw):
    props = {m5.SESSION_EXPIRY: session_expiry} if session_expiry else None
    return v5.with_will(client_id, will_props={m5.WILL_DELAY: delay}, props=props, **kw)


def assert_no_will_yet(watcher, v5, topic):
    assert messages_before_marker(watcher, v5.paho(), topic) == [], "Will published before its delay ended"


def test_will_published_after_the_delay(broker, v5, watcher):
    c, cid, topic, payload = delayed_will_client(v5, 2, 60)
    c.close()
    closed = time.monotonic()
    assert_no_will_yet(watcher, v5, topic)
    msg = watcher.wait_message(topic, payload, timeout=10)
    after = time.monotonic() - closed
    assert msg.payload == payload
    assert 1.8 <= after <= 5.0, f"Will published {after:.2f}s after the close (Will Delay 2 s)"
    broker.check_session_end_logged(cid, c.local_address, "peer-closed|io-error", "delayed")
    if broker.is_willgate:
        broker.wait_for_log(rf"\bwill published client={cid} topic={re.escape(topic)} ")


@MOSQUITTO_WAITS
def test_session_expiry_0_publishes_delayed_will_at_once(broker, v5, watcher):
    c, cid, topic, payload = delayed_will_client(v5, 30, 0)
    c.close()
    closed = time.monotonic()
    assert watcher.wait_message(topic, payload).payload == payload
    assert time.monotonic() - closed < 1.5, "the session ended with the connection: the Will is due then"
    broker.check_session_end_logged(cid, c.local_address, "peer-closed|io-error", "published")


def test_session_end_before_delay_end_publishes_will(broker, v5, watcher):
    """Session Expiry 1 s, Will Delay 60 s: the Will goes out when the session
    ends, about 1 s after the close, and then that session is gone: a reconnect
    right after the Will arrived must not resume it. Four devices closed a
    quarter second apart, so the checks fall at different points of the
    broker's timers."""
    devices = [delayed_will_client(v5, 60, 1) for _ in range(4)]
    start = time.monotonic()
    closed_at = []
    for i, (c, *_) in enumerate(devices):
        m5.pass_time(start, 0.25 * i)
        c.close()
        closed_at.append(time.monotonic())
    for (c, cid, topic, payload), closed in zip(devices, closed_at):
        watcher.wait_message(topic, payload, timeout=10)
        after = time.monotonic() - closed
        assert 0.8 <= after <= 4.0, f"Will published {after:.2f}s after the close (session expiry 1 s, delay 60 s)"
        again = v5.raw().connect(cid, clean_start=False)
        assert not again.session_present, \
            f"{cid}: the Will announced the end of the session {after:.2f}s after the close, yet the session resumed"


def test_reconnect_with_clean_start_0_within_delay_cancels_will(broker, v5, watcher):
    c, cid, topic, payload = delayed_will_client(v5, 2, 60)
    c.close()
    closed = time.monotonic()
    if broker.is_willgate:  # the broker has seen the close: this is a reconnect, not a takeover
        broker.wait_for_log(rf"\bdisconnected client={cid} peer={c.local_address} ")
    again = v5.raw()
    assert again.connect(cid, clean_start=False, props={m5.SESSION_EXPIRY: 60}).session_present
    m5.pass_time(closed, 3.0)  # past the delay
    assert messages_before_marker(watcher, v5.paho(), topic) == [], "Will published although the client came back"
    again.ping()
    broker.check_session_end_logged(cid, c.local_address, "peer-closed|io-error", "delayed")
    assert broker.count_log(rf"\bwill published client={cid} ") == 0


@MOSQUITTO_WAITS
def test_reconnect_with_clean_start_1_within_delay_publishes_will(broker, v5, watcher):
    c, cid, topic, payload = delayed_will_client(v5, 30, 60)
    c.close()
    assert_no_will_yet(watcher, v5, topic)
    fresh = v5.raw()
    reconnected = time.monotonic()
    assert not fresh.connect(cid, clean_start=True).session_present
    assert watcher.wait_message(topic, payload).payload == payload
    assert time.monotonic() - reconnected < 1.5, "Clean Start 1 ended the old session: its Will is due at once"
    fresh.ping()


def test_other_client_id_does_not_cancel_delayed_will(broker, v5, watcher):
    c, cid, topic, payload = delayed_will_client(v5, 1, 60)
    c.close()
    v5.connected(cid + "-other", clean_start=False, props={m5.SESSION_EXPIRY: 60})
    assert watcher.wait_message(topic, payload, timeout=10).payload == payload


@xfail_on_mosquitto("sends no DISCONNECT 0x8E to the old connection")
@pytest.mark.parametrize("clean_start", [False, True], ids=["clean_start_0", "clean_start_1"])
def test_takeover_with_will_delay(broker, v5, watcher, clean_start):
    """The old client gets 0x8E. With Clean Start 0 the new connection came
    within the Will Delay: the old Will is never published. With Clean Start
    1 the old session ends and its Will is published at once."""
    cid = unique("dev5-")
    old, _, topic, payload = delayed_will_client(v5, 2, 60, client_id=cid)
    new = v5.raw()
    took_over = time.monotonic()
    connack = new.connect(cid, clean_start=clean_start, props={m5.SESSION_EXPIRY: 60})
    assert connack.session_present is (not clean_start)
    old.expect_disconnect(m5.SESSION_TAKEN_OVER)
    if clean_start:
        assert watcher.wait_message(topic, payload).payload == payload
        assert time.monotonic() - took_over < 1.5
    else:
        m5.pass_time(took_over, 3.0)
        assert messages_before_marker(watcher, v5.paho(), topic) == [], "old Will published despite the takeover"
        broker.check_session_end_logged(cid, old.local_address, "taken-over", "delayed")
    new.ping()


def test_disconnect_0x04_with_will_delay(broker, v5, watcher):
    c, cid, topic, payload = delayed_will_client(v5, 2, 60)
    c.disconnect(m5.DISCONNECT_WITH_WILL)
    gone = time.monotonic()
    assert_no_will_yet(watcher, v5, topic)
    assert watcher.wait_message(topic, payload, timeout=10).payload == payload
    assert time.monotonic() - gone >= 1.8


@MOSQUITTO_WAITS
def test_disconnect_0x04_setting_session_expiry_0_publishes_at_once(broker, v5, watcher):
    c, cid, topic, payload = delayed_will_client(v5, 30, 60)
    c.disconnect(m5.DISCONNECT_WITH_WILL, props={m5.SESSION_EXPIRY: 0})
    gone = time.monotonic()
    assert watcher.wait_message(topic, payload).payload == payload
    assert time.monotonic() - gone < 1.5


def test_disconnect_0x00_discards_delayed_will(broker, v5, watcher):
    c, cid, topic, payload = delayed_will_client(v5, 1, 60)
    c.disconnect()
    gone = time.monotonic()
    m5.pass_time(gone, 2.0)
    assert messages_before_marker(watcher, v5.paho(), topic) == []
    broker.check_session_end_logged(cid, c.local_address, "disconnect", "none")


def test_delayed_will_expiry_counts_from_publication(broker, v5):
    """Message Expiry of a delayed Will starts when it is published, not
    when the connection closed: a subscriber still gets the time left."""
    sub = v5.connected()
    sub.subscribe([("will/#", 1)])
    c, cid, topic, payload = v5.with_will(will_props={m5.WILL_DELAY: 2, m5.MESSAGE_EXPIRY: 3},
                                          props={m5.SESSION_EXPIRY: 60})
    c.close()
    p = sub.receive(timeout=10)
    assert p.payload == payload
    assert p.props.get(m5.MESSAGE_EXPIRY) == 3, f"Message Expiry {p.props!r}"
