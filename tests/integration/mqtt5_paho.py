"""MQTT 5.0 clients on python3-paho-mqtt 1.6.1 for the integration suite:
Paho5Client (a PahoClient speaking 5.0) and helpers to build paho
Properties. The raw packet side lives in mqtt5.py, which re-exports these."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions

from mqtt_paho import Message, PahoClient, unique, writes_on_network_thread

SUCCESS = 0x00
TIMEOUT = 10.0


@dataclass(repr=False)
class Message5(Message):
    properties: Properties | None = None

    def prop(self, name: str, default=None):
        """A property by paho's name (``ContentType``, ``UserProperty``...)."""
        return getattr(self.properties, name, default)


def paho_props(packet_type: int = PacketTypes.PUBLISH, **values) -> Properties:
    """``paho_props(PacketTypes.PUBLISH, ContentType="text/plain", UserProperty=[("a", "1")])``."""
    p = Properties(packet_type)
    for name, value in values.items():
        setattr(p, name, value)
    return p


class Paho5Client(PahoClient):
    """``PahoClient`` speaking MQTT 5 (paho 1.6.1 refuses clean_session for
    v5, so __init__ is our own); methods take paho ``Properties``.
    ``disconnect_rc`` is the reason of a DISCONNECT from the broker, if any."""

    def __init__(self, host: str, port: int, client_id: str | None = None, keepalive: int = 60,
                 will: tuple | None = None):
        self.host, self.port, self.keepalive = host, port, keepalive
        self.client_id = unique("paho5-") if client_id is None else client_id
        self.client = mqtt.Client(client_id=self.client_id, protocol=mqtt.MQTTv5, reconnect_on_failure=False)
        if will is not None:  # (topic, payload, qos, retain[, Properties])
            self.client.will_set(*will[:4], properties=will[4] if len(will) > 4 else None)
        self._cond = threading.Condition()
        self.messages: list[Message5] = []
        self.connack = None  # (session_present, reason, properties)
        self.disconnect_rc: int | None = None
        self._acks: dict[int, list[int]] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        writes_on_network_thread(self.client)
        for name in ("connect", "disconnect", "message", "subscribe", "unsubscribe"):
            setattr(self.client, f"on_{name}", getattr(self, f"_on_{name}"))

    def _on_connect(self, client, userdata, flags, reason, properties):
        with self._cond:
            self.connack = (bool(flags.get("session present", 0)), reason.value, properties)
            self._cond.notify_all()

    def _on_disconnect(self, client, userdata, reason, properties=None):
        with self._cond:  # a ReasonCodes when the broker sent DISCONNECT, else an int
            if self.disconnect_rc is None:
                self.disconnect_rc = reason.value if isinstance(reason, mqtt.ReasonCodes) else -1
            self._cond.notify_all()

    def _on_message(self, client, userdata, msg):
        with self._cond:
            self.messages.append(Message5(msg.topic, bytes(msg.payload), msg.qos, bool(msg.retain),
                                          bool(msg.dup), time.monotonic(), getattr(msg, "properties", None)))
            self._cond.notify_all()

    def _on_subscribe(self, client, userdata, mid, reasons, properties):
        with self._cond:
            self._acks[mid] = [r.value for r in reasons]
            self._cond.notify_all()

    def _on_unsubscribe(self, client, userdata, mid, properties, reasons):
        with self._cond:
            self._acks[mid] = [r.value for r in (reasons if isinstance(reasons, list) else [reasons])]
            self._cond.notify_all()

    def connect(self, clean_start: bool = True, properties: Properties | None = None,
                expect_reason: int | None = SUCCESS, timeout: float = TIMEOUT):
        """Connect and wait for CONNACK; returns (session_present, reason, properties)."""
        self.client.connect(self.host, self.port, self.keepalive, clean_start=clean_start, properties=properties)
        self._thread = threading.Thread(target=self._run, name=f"paho5-{self.client_id}", daemon=True)
        self._thread.start()
        self._wait(lambda: self.connack, timeout, "CONNACK")
        if expect_reason is not None:
            assert self.connack[1] == expect_reason, f"CONNACK reason {self.connack[1]:#04x}, expected {expect_reason:#04x}"
        return self.connack

    def subscribe(self, topic: str, qos: int = 0, no_local: bool = False, retain_as_published: bool = False,
                  retain_handling: int = 0, properties: Properties | None = None,
                  timeout: float = TIMEOUT) -> list[int]:
        """Subscribe and wait for SUBACK; returns its reason codes."""
        options = SubscribeOptions(qos=qos, noLocal=no_local, retainAsPublished=retain_as_published,
                                   retainHandling=retain_handling)
        rc, mid = self.client.subscribe(topic, options=options, properties=properties)
        assert rc == mqtt.MQTT_ERR_SUCCESS, f"subscribe failed locally: {mqtt.error_string(rc)}"
        return self._wait(lambda: self._acks.get(mid), timeout, f"SUBACK for {topic!r}")

    def unsubscribe(self, topic: str, timeout: float = TIMEOUT) -> list[int]:
        rc, mid = self.client.unsubscribe(topic)
        assert rc == mqtt.MQTT_ERR_SUCCESS, f"unsubscribe failed locally: {mqtt.error_string(rc)}"
        return self._wait(lambda: self._acks.get(mid), timeout, f"UNSUBACK for {topic!r}")

    def publish(self, topic: str, payload: bytes | str = b"", qos: int = 0, retain: bool = False,
                properties: Properties | None = None, timeout: float = TIMEOUT) -> None:
        """Publish and wait until the flow is complete."""
        info = self.client.publish(topic, payload, qos, retain, properties=properties)
        assert info.rc == mqtt.MQTT_ERR_SUCCESS, f"publish failed locally: {mqtt.error_string(info.rc)}"
        info.wait_for_publish(timeout)
        assert info.is_published(), f"{self.client_id}: publish to {topic!r} (QoS {qos}) not acknowledged in time"

    def disconnect(self, reasoncode: int | None = None, properties: Properties | None = None,
                   timeout: float = TIMEOUT) -> None:
        if self._thread is None:
            return
        rc = None if reasoncode is None else mqtt.ReasonCodes(PacketTypes.DISCONNECT, identifier=reasoncode)
        self.client.disconnect(reasoncode=rc, properties=properties)
        self._wait(lambda: self.disconnect_rc, timeout, "DISCONNECT to be sent")
        self.close()
