"""A paho-mqtt 1.6.1 client for tests: connect, subscribe and publish block
until the broker's acknowledgement (with a timeout); received messages are
kept in order and waited for with a condition variable.

Paho's network loop runs in our own thread calling ``client.loop()`` until the
connection ends, so a client whose connection the broker closes stays closed
(``loop_start()`` would silently reconnect and, for instance, take its session
back over). Every socket write also happens on that thread (see
``writes_on_network_thread``)."""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from typing import Callable

import paho.mqtt.client as mqtt

TIMEOUT = 10.0


@dataclass
class Message:
    topic: str
    payload: bytes
    qos: int
    retain: bool
    dup: bool
    at: float = 0.0  # time.monotonic() when it arrived

    def __repr__(self) -> str:
        p = self.payload if len(self.payload) <= 40 else self.payload[:40] + b"...(%d bytes)" % len(self.payload)
        return f"<{self.topic!r} {p!r} q{self.qos}{' r' if self.retain else ''}{' dup' if self.dup else ''}>"


def unique(prefix: str = "") -> str:
    return prefix + uuid.uuid4().hex[:12]


def writes_on_network_thread(client: mqtt.Client) -> None:
    """Without loop_start(), paho's publish() writes to the socket from the
    calling thread while our network thread may be writing too; two threads in
    paho's packet writer can swap packets on the wire. With a write-interest
    hook registered, publish() only queues the packet and wakes the network
    thread, which writes everything in order."""
    client.on_socket_register_write = lambda client, userdata, sock: None


class PahoClient:
    def __init__(self, host: str, port: int, client_id: str | None = None, clean_session: bool = True,
                 protocol: int = mqtt.MQTTv311, keepalive: int = 60,
                 will: tuple[str, bytes, int, bool] | None = None):
        self.host, self.port, self.keepalive = host, port, keepalive
        self.client_id = unique("paho-") if client_id is None else client_id
        self.client = mqtt.Client(client_id=self.client_id, clean_session=clean_session,
                                  protocol=protocol, reconnect_on_failure=False)
        if will is not None:
            topic, payload, qos, retain = will
            self.client.will_set(topic, payload, qos, retain)
        self._cond = threading.Condition()
        self.messages: list[Message] = []
        self.connack: tuple[bool, int] | None = None
        self.disconnect_rc: int | None = None
        self._acks: dict[int, object] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        writes_on_network_thread(self.client)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.client.on_subscribe = self._on_subscribe
        self.client.on_unsubscribe = self._on_unsubscribe

    # ----------------------------------------------------------- callbacks
    def _on_connect(self, client, userdata, flags, rc):
        with self._cond:
            self.connack = (bool(flags.get("session present", 0)), rc)
            self._cond.notify_all()

    def _on_disconnect(self, client, userdata, rc):
        with self._cond:
            self.disconnect_rc = rc
            self._cond.notify_all()

    def _on_message(self, client, userdata, msg):
        with self._cond:
            self.messages.append(Message(msg.topic, bytes(msg.payload), msg.qos, bool(msg.retain),
                                         bool(msg.dup), time.monotonic()))
            self._cond.notify_all()

    def _on_subscribe(self, client, userdata, mid, granted_qos):
        with self._cond:
            self._acks[mid] = list(granted_qos)
            self._cond.notify_all()

    def _on_unsubscribe(self, client, userdata, mid):
        with self._cond:
            self._acks[mid] = True
            self._cond.notify_all()

    def _wait(self, probe: Callable[[], object], timeout: float, what: str):
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                value = probe()
                if value is not None and value is not False:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"{self.client_id}: timed out after {timeout:.1f}s waiting for {what}")
                self._cond.wait(min(remaining, 0.2))

    def _run(self):
        while not self._stop.is_set():
            rc = self.client.loop(timeout=0.05)
            if rc != mqtt.MQTT_ERR_SUCCESS:
                with self._cond:
                    if self.disconnect_rc is None:
                        self.disconnect_rc = rc
                    self._cond.notify_all()
                return

    # ----------------------------------------------------------- actions
    def connect(self, timeout: float = TIMEOUT, expect_rc: int | None = 0) -> tuple[bool, int]:
        """Connect and wait for CONNACK; returns (session_present, rc)."""
        self.client.connect(self.host, self.port, self.keepalive)
        self._thread = threading.Thread(target=self._run, name=f"paho-{self.client_id}", daemon=True)
        self._thread.start()
        self._wait(lambda: self.connack, timeout, "CONNACK")
        if expect_rc is not None:
            assert self.connack[1] == expect_rc, f"CONNACK rc {self.connack[1]}, expected {expect_rc}"
        return self.connack

    def subscribe(self, topic: str | list[tuple[str, int]], qos: int = 0, timeout: float = TIMEOUT) -> list[int]:
        """Subscribe and wait for SUBACK; returns the granted QoS list."""
        rc, mid = self.client.subscribe(topic, qos)
        assert rc == mqtt.MQTT_ERR_SUCCESS, f"subscribe failed locally: {mqtt.error_string(rc)}"
        return self._wait(lambda: self._acks.get(mid), timeout, f"SUBACK for {topic!r}")

    def unsubscribe(self, topic: str, timeout: float = TIMEOUT) -> None:
        rc, mid = self.client.unsubscribe(topic)
        assert rc == mqtt.MQTT_ERR_SUCCESS, f"unsubscribe failed locally: {mqtt.error_string(rc)}"
        self._wait(lambda: self._acks.get(mid), timeout, f"UNSUBACK for {topic!r}")

    def publish(self, topic: str, payload: bytes | str = b"", qos: int = 0, retain: bool = False,
                timeout: float = TIMEOUT) -> None:
        """Publish and wait until the flow is complete (written for QoS 0,
        PUBACK for 1, PUBCOMP for 2)."""
        info = self.client.publish(topic, payload, qos, retain)
        assert info.rc == mqtt.MQTT_ERR_SUCCESS, f"publish failed locally: {mqtt.error_string(info.rc)}"
        info.wait_for_publish(timeout)
        assert info.is_published(), f"{self.client_id}: publish to {topic!r} (QoS {qos}) not acknowledged within {timeout:.0f}s"

    def wait_message(self, topic: str | None = None, payload: bytes | None = None, start: int = 0,
                     timeout: float = TIMEOUT) -> Message:
        """First message at index >= ``start`` matching topic/payload (when given)."""
        def probe():
            for m in self.messages[start:]:
                if (topic is None or m.topic == topic) and (payload is None or m.payload == payload):
                    return m
            return None
        return self._wait(probe, timeout, f"message topic={topic!r} payload={payload!r} "
                                          f"(have {self.messages[-5:]!r})")

    def wait_count(self, n: int, topic_prefix: str = "", timeout: float = TIMEOUT) -> list[Message]:
        def probe():
            got = [m for m in self.messages if m.topic.startswith(topic_prefix)]
            return got if len(got) >= n else None
        return self._wait(probe, timeout, f"{n} messages under {topic_prefix!r}")

    def received(self, topic: str | None = None) -> list[Message]:
        with self._cond:
            return [m for m in self.messages if topic is None or m.topic == topic]

    def wait_disconnected(self, timeout: float = TIMEOUT) -> int:
        return self._wait(lambda: self.disconnect_rc, timeout, "the broker to close the connection")

    @property
    def connected(self) -> bool:
        with self._cond:
            return self.disconnect_rc is None and self.connack is not None

    def disconnect(self, timeout: float = TIMEOUT) -> None:
        """Clean DISCONNECT, then wait for the network loop to finish."""
        if self._thread is None:
            return
        self.client.disconnect()
        self._wait(lambda: self.disconnect_rc, timeout, "DISCONNECT to be sent")
        self.close()

    def close(self) -> None:
        """Stop the network loop and drop the socket (no DISCONNECT if still
        connected; used at teardown)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        sock = self.client.socket()
        if sock is not None:
            try:
                sock.close()
            except OSError:
                pass


def roundtrip(publisher: PahoClient, subscriber: PahoClient, topic: str, qos: int = 1,
              timeout: float = TIMEOUT) -> Message:
    """Publish a unique payload and wait for ``subscriber`` (already subscribed
    to ``topic``) to get it."""
    payload = unique("rt-").encode()
    start = len(subscriber.received())
    publisher.publish(topic, payload, qos)
    return subscriber.wait_message(topic, payload, start=start, timeout=timeout)


def messages_before_marker(watcher: PahoClient, publisher: PahoClient, topic: str) -> list[Message]:
    """Publish a marker on ``topic`` and wait for ``watcher`` to get it. Any
    message the broker had already routed to the watcher on ``topic`` comes
    first (one subscription, one topic: ordered), so after the marker arrives
    we know exactly what else arrived. Returns the messages before the marker.

    The marker goes at QoS 2: paho hands an incoming QoS 2 message to us only
    at PUBREL, so a QoS 2 message sent before a QoS 0/1 marker could otherwise
    show up after it."""
    marker = unique("marker-").encode()
    publisher.publish(topic, marker, qos=2)
    watcher.wait_message(topic, marker)
    before = []
    for m in watcher.received(topic):
        if m.payload == marker:
            break
        before.append(m)
    return before
