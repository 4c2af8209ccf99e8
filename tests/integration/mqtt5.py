"""MQTT 5.0 helpers for the ``test_v5_*.py`` files.

* Hand-built MQTT 5 packets (properties as ``(identifier, value)`` pairs, so a
  test can also build duplicates, misplaced properties or bad lengths) and
  parsers for what the broker sends back.
* ``Raw5``: a raw socket speaking MQTT 5, wrapping a ``mqtt_raw.RawClient``
  made by the ``clients`` fixture (which closes it).
* ``Paho5Client``: a paho-mqtt 1.6.1 client with ``protocol=MQTTv5``; the same
  blocking style and method names as ``mqtt_paho.PahoClient`` (so
  ``messages_before_marker`` and ``roundtrip`` work with it), plus properties.
* Fixtures ``v5`` (for the ``broker`` fixture) and ``v5_of`` (for brokers
  from ``broker_factory``): test modules import them by name.
"""

from __future__ import annotations

import socket
import struct
import time
from collections import namedtuple
from dataclasses import dataclass
from typing import NamedTuple

import pytest
from paho.mqtt.packettypes import PacketTypes  # noqa: F401  (re-exported)
from paho.mqtt.properties import Properties

import mqtt_raw as raw
from mqtt_paho import unique
from mqtt_raw import ConnectionClosed, packet, string, varint
from willgate_harness import wait_until
from mqtt5_paho import Message5, Paho5Client, paho_props  # noqa: F401  (re-exported)

TIMEOUT = 10.0
AUTH = 15
NAMES = {**raw.NAMES, AUTH: "AUTH"}

# ------------------------------------------------------------ property ids
PAYLOAD_FORMAT = 0x01
MESSAGE_EXPIRY = 0x02
CONTENT_TYPE = 0x03
RESPONSE_TOPIC = 0x08
CORRELATION_DATA = 0x09
SUBSCRIPTION_ID = 0x0B
SESSION_EXPIRY = 0x11
ASSIGNED_CLIENT_ID = 0x12
SERVER_KEEP_ALIVE = 0x13
AUTH_METHOD = 0x15
AUTH_DATA = 0x16
REQUEST_PROBLEM_INFO = 0x17
WILL_DELAY = 0x18
REQUEST_RESPONSE_INFO = 0x19
REASON_STRING = 0x1F
RECEIVE_MAXIMUM = 0x21
TOPIC_ALIAS_MAXIMUM = 0x22
TOPIC_ALIAS = 0x23
MAXIMUM_QOS = 0x24
RETAIN_AVAILABLE = 0x25
USER_PROPERTY = 0x26
MAXIMUM_PACKET_SIZE = 0x27
WILDCARD_AVAILABLE = 0x28
SUBSCRIPTION_ID_AVAILABLE = 0x29
SHARED_AVAILABLE = 0x2A

_BYTE, _U16, _U32, _VARINT, _STR, _BIN, _PAIR = range(7)
_TYPES = {
    **dict.fromkeys([PAYLOAD_FORMAT, REQUEST_PROBLEM_INFO, REQUEST_RESPONSE_INFO, MAXIMUM_QOS, RETAIN_AVAILABLE,
                     WILDCARD_AVAILABLE, SUBSCRIPTION_ID_AVAILABLE, SHARED_AVAILABLE], _BYTE),
    **dict.fromkeys([SERVER_KEEP_ALIVE, RECEIVE_MAXIMUM, TOPIC_ALIAS_MAXIMUM, TOPIC_ALIAS], _U16),
    **dict.fromkeys([MESSAGE_EXPIRY, SESSION_EXPIRY, WILL_DELAY, MAXIMUM_PACKET_SIZE], _U32),
    **dict.fromkeys([CONTENT_TYPE, RESPONSE_TOPIC, ASSIGNED_CLIENT_ID, AUTH_METHOD, 0x1A, 0x1C, REASON_STRING], _STR),
    CORRELATION_DATA: _BIN, AUTH_DATA: _BIN, SUBSCRIPTION_ID: _VARINT, USER_PROPERTY: _PAIR,
}

# ------------------------------------------------------------ reason codes
SUCCESS = 0x00
DISCONNECT_WITH_WILL = 0x04
NO_MATCHING_SUBSCRIBERS = 0x10
NO_SUBSCRIPTION_EXISTED = 0x11
MALFORMED_PACKET = 0x81
PROTOCOL_ERROR = 0x82
BAD_AUTH_METHOD = 0x8C
SERVER_SHUTTING_DOWN = 0x8B
KEEP_ALIVE_TIMEOUT = 0x8D
SESSION_TAKEN_OVER = 0x8E
TOPIC_FILTER_INVALID = 0x8F
RECEIVE_MAXIMUM_EXCEEDED = 0x93
TOPIC_ALIAS_INVALID = 0x94
PACKET_TOO_LARGE = 0x95
PAYLOAD_FORMAT_INVALID = 0x99


# ------------------------------------------------------------ encoding


def _pairs(props) -> list[tuple[int, object]]:
    if props is None:
        return []
    if isinstance(props, dict):
        out = []
        for pid, value in props.items():
            repeat = isinstance(value, list)
            out += [(pid, v) for v in value] if repeat else [(pid, value)]
        return out
    return list(props)


_ENCODE = {_BYTE: lambda v: bytes([v]), _U16: lambda v: struct.pack("!H", v), _U32: lambda v: struct.pack("!I", v),
           _VARINT: varint, _STR: string, _BIN: string, _PAIR: lambda v: string(v[0]) + string(v[1])}


def encode_property(pid: int, value) -> bytes:
    return varint(pid) + _ENCODE[_TYPES[pid]](value)


def props_section(props=None) -> bytes:
    """Property Length + properties. ``props``: a dict (a list value repeats
    the property) or a list of (identifier, value) pairs, written in order."""
    body = b"".join(encode_property(pid, value) for pid, value in _pairs(props))
    return varint(len(body)) + body


def sub_options(qos: int = 0, no_local: bool = False, retain_as_published: bool = False,
                retain_handling: int = 0) -> int:
    return qos | (0x04 if no_local else 0) | (0x08 if retain_as_published else 0) | (retain_handling << 4)


def connect5(client_id: str | bytes = "", clean_start: bool = True, keepalive: int = 60, props=None,
             will_topic: str | bytes | None = None, will_payload: bytes = b"", will_qos: int = 0,
             will_retain: bool = False, will_props=None, raw_props: bytes | None = None,
             raw_will_props: bytes | None = None) -> bytes:
    """CONNECT, protocol level 5. ``raw_props``/``raw_will_props`` replace the
    encoded property sections (length included) with exact bytes."""
    flags = 0x02 if clean_start else 0
    if will_topic is not None:
        flags |= 0x04 | (will_qos << 3) | (0x20 if will_retain else 0)
    body = string("MQTT") + bytes([5, flags]) + struct.pack("!H", keepalive)
    body += raw_props if raw_props is not None else props_section(props)
    body += string(client_id)
    if will_topic is not None:
        body += raw_will_props if raw_will_props is not None else props_section(will_props)
        body += string(will_topic) + string(will_payload)
    return packet(raw.CONNECT, 0, body)


def publish5(topic: str | bytes, payload: bytes = b"", qos: int = 0, retain: bool = False,
             dup: bool = False, pid: int | None = None, props=None, raw_props: bytes | None = None) -> bytes:
    flags = (0x08 if dup else 0) | (qos << 1) | (0x01 if retain else 0)
    body = string(topic)
    if qos:
        assert pid is not None, "QoS > 0 needs a packet id"
        body += struct.pack("!H", pid)
    body += raw_props if raw_props is not None else props_section(props)
    return packet(raw.PUBLISH, flags, body + payload)


def subscribe5(pid: int, filters: list[tuple[str | bytes, int]], props=None) -> bytes:
    """``filters``: (filter, options byte) pairs; see ``sub_options``."""
    body = struct.pack("!H", pid) + props_section(props)
    body += b"".join(string(f) + bytes([o]) for f, o in filters)
    return packet(raw.SUBSCRIBE, 0x02, body)


def unsubscribe5(pid: int, filters: list[str | bytes], props=None) -> bytes:
    body = struct.pack("!H", pid) + props_section(props) + b"".join(string(f) for f in filters)
    return packet(raw.UNSUBSCRIBE, 0x02, body)


def ack5(ptype: int, pid: int, reason: int = SUCCESS, props=None) -> bytes:
    body = struct.pack("!H", pid)
    if reason != SUCCESS or props:
        body += bytes([reason]) + props_section(props)
    return packet(ptype, 0x02 if ptype == raw.PUBREL else 0, body)


def disconnect5(reason: int = SUCCESS, props=None) -> bytes:
    return packet(raw.DISCONNECT, 0, bytes([reason]) + props_section(props))


def auth5(reason: int = 0x18, props=None) -> bytes:
    return packet(AUTH, 0, bytes([reason]) + props_section(props))


# ------------------------------------------------------------ decoding
class PropList:
    """Decoded properties, in wire order. ``get`` insists on at most one."""

    def __init__(self, items: list[tuple[int, object]]):
        self.items = items

    def all(self, pid: int) -> list:
        return [v for i, v in self.items if i == pid]

    def get(self, pid: int, default=None):
        values = self.all(pid)
        assert len(values) <= 1, f"property {pid:#04x} appears {len(values)} times: {self!r}"
        return values[0] if values else default

    def __contains__(self, pid: int) -> bool:
        return any(i == pid for i, _ in self.items)

    def ids(self) -> set[int]:
        return {i for i, _ in self.items}

    def __repr__(self) -> str:
        return "{" + ", ".join(f"{i:#04x}: {v!r}" for i, v in self.items) + "}"


def _varint_at(data: bytes, pos: int) -> tuple[int, int]:
    value, mult = 0, 1
    while True:
        b = data[pos]
        pos += 1
        value += (b & 0x7F) * mult
        mult *= 128
        if not b & 0x80:
            return value, pos


def decode_props(data: bytes, pos: int = 0) -> tuple[PropList, int]:
    """Decode a property section at ``pos``; returns (properties, end)."""
    length, pos = _varint_at(data, pos)
    end = pos + length
    assert end <= len(data), f"property length {length} runs past the packet ({data!r})"
    items = []
    while pos < end:
        pid, pos = data[pos], pos + 1
        kind = _TYPES.get(pid)
        assert kind is not None, f"unknown property identifier {pid:#04x} from the broker"
        if kind == _VARINT:
            value, pos = _varint_at(data, pos)
        elif kind in (_BYTE, _U16, _U32):
            size = {_BYTE: 1, _U16: 2, _U32: 4}[kind]
            value, pos = int.from_bytes(data[pos:pos + size], "big"), pos + size
        else:
            strings = []
            for _ in range(2 if kind == _PAIR else 1):
                n = struct.unpack("!H", data[pos:pos + 2])[0]
                chunk, pos = data[pos + 2:pos + 2 + n], pos + 2 + n
                strings.append(bytes(chunk) if kind == _BIN else chunk.decode("utf-8"))
            value = tuple(strings) if kind == _PAIR else strings[0]
        items.append((pid, value))
    assert pos == end, f"a property runs past its section ({data!r})"
    return PropList(items), end


class Connack5(NamedTuple):
    session_present: bool
    reason: int
    props: PropList


class Publish5(NamedTuple):
    topic: str
    payload: bytes
    qos: int
    retain: bool
    dup: bool
    pid: int | None
    props: PropList


Ack5 = namedtuple("Ack5", "type pid reason props")  # PUBACK, PUBREC, PUBREL, PUBCOMP
Suback5 = namedtuple("Suback5", "pid props reasons")  # SUBACK, UNSUBACK
Disconnect5 = namedtuple("Disconnect5", "reason props")


def parse_connack(p: raw.Packet) -> Connack5:
    assert p.type == raw.CONNACK and p.flags == 0, f"expected CONNACK, got {p!r}"
    assert len(p.body) >= 3, f"an MQTT 5 CONNACK has a property length: {p!r}"
    props, end = decode_props(p.body, 2)
    assert end == len(p.body), f"bytes after the CONNACK properties: {p!r}"
    return Connack5(bool(p.body[0] & 1), p.body[1], props)


def parse_publish(p: raw.Packet) -> Publish5:
    assert p.type == raw.PUBLISH, f"expected PUBLISH, got {p!r}"
    qos = (p.flags >> 1) & 3
    tlen = struct.unpack("!H", p.body[:2])[0]
    topic = p.body[2:2 + tlen].decode("utf-8")
    pos = 2 + tlen
    pid = None
    if qos:
        pid = struct.unpack("!H", p.body[pos:pos + 2])[0]
        pos += 2
    props, pos = decode_props(p.body, pos)
    return Publish5(topic, p.body[pos:], qos, bool(p.flags & 1), bool(p.flags & 8), pid, props)


def parse_ack(p: raw.Packet) -> Ack5:
    pid = struct.unpack("!H", p.body[:2])[0]
    reason = p.body[2] if len(p.body) > 2 else SUCCESS
    props = decode_props(p.body, 3)[0] if len(p.body) > 3 else PropList([])
    return Ack5(p.type, pid, reason, props)


def parse_suback(p: raw.Packet) -> Suback5:
    assert p.type in (raw.SUBACK, raw.UNSUBACK), f"expected SUBACK/UNSUBACK, got {p!r}"
    pid = struct.unpack("!H", p.body[:2])[0]
    props, pos = decode_props(p.body, 2)
    return Suback5(pid, props, list(p.body[pos:]))


def parse_disconnect(p: raw.Packet) -> Disconnect5:
    assert p.type == raw.DISCONNECT and p.flags == 0, f"expected DISCONNECT, got {p!r}"
    reason = p.body[0] if p.body else SUCCESS
    props = decode_props(p.body, 1)[0] if len(p.body) > 1 else PropList([])
    return Disconnect5(reason, props)


# ------------------------------------------------------------ raw client
class Raw5:
    """MQTT 5 over a ``RawClient`` (use ``V5Clients.raw``)."""

    def __init__(self, client: raw.RawClient):
        self.c = client
        self.local_address = client.local_address
        self._pid = 0
        self._stash: list[raw.Packet] = []

    def next_pid(self) -> int:
        self._pid = self._pid % 65535 + 1
        return self._pid

    def send(self, data: bytes) -> None:
        self.c.send(data)

    def expect(self, ptype: int, timeout: float = TIMEOUT) -> raw.Packet:
        """The next packet of type ``ptype``. PUBLISH packets arriving while we
        wait for something else (an ack on a connection that also subscribes)
        are kept for expect_publish, in order."""
        if ptype == raw.PUBLISH and self._stash:
            return self._stash.pop(0)
        deadline = time.monotonic() + timeout
        while True:
            try:
                p = self.c.recv_packet(max(deadline - time.monotonic(), 0.0))
            except TimeoutError:
                raise AssertionError(f"no {NAMES[ptype]} within {timeout:.1f}s") from None
            except ConnectionClosed:
                raise AssertionError(f"broker closed the connection while we waited for {NAMES[ptype]}") from None
            if p.type == raw.PUBLISH and ptype != raw.PUBLISH:
                self._stash.append(p)
                continue
            if p.type == raw.DISCONNECT and ptype != raw.DISCONNECT:
                raise AssertionError(f"expected {NAMES[ptype]}, got {parse_disconnect(p)!r}")
            assert p.type == ptype, f"expected {NAMES[ptype]}, got {p!r}"
            return p

    def connect(self, client_id: str | bytes = "", expect_reason: int | None = SUCCESS, **kw) -> Connack5:
        self.send(connect5(client_id, **kw))
        connack = parse_connack(self.expect(raw.CONNACK))
        if expect_reason is not None:
            assert connack.reason == expect_reason, \
                f"CONNACK reason {connack.reason:#04x}, expected {expect_reason:#04x} ({connack.props!r})"
        return connack

    def subscribe(self, filters: list[tuple[str, int]], props=None) -> list[int]:
        """``filters``: (filter, options) pairs; returns the SUBACK reason codes."""
        pid = self.next_pid()
        self.send(subscribe5(pid, filters, props))
        ack = parse_suback(self.expect(raw.SUBACK))
        assert ack.pid == pid, f"SUBACK for packet id {ack.pid}, expected {pid}"
        assert len(ack.reasons) == len(filters), f"SUBACK has {len(ack.reasons)} codes for {len(filters)} filters"
        return ack.reasons

    def unsubscribe(self, filters: list[str]) -> list[int]:
        pid = self.next_pid()
        self.send(unsubscribe5(pid, filters))
        ack = parse_suback(self.expect(raw.UNSUBACK))
        assert ack.pid == pid, f"UNSUBACK for packet id {ack.pid}, expected {pid}"
        return ack.reasons

    def publish(self, topic: str | bytes, payload: bytes = b"", qos: int = 0, retain: bool = False,
                props=None) -> Ack5 | None:
        """PUBLISH with the whole sender flow; returns the PUBACK / PUBREC."""
        pid = self.next_pid() if qos else None
        self.send(publish5(topic, payload, qos, retain, pid=pid, props=props))
        if qos == 0:
            return None
        ack = parse_ack(self.expect(raw.PUBACK if qos == 1 else raw.PUBREC))
        assert ack.pid == pid, f"{NAMES[ack.type]} for packet id {ack.pid}, expected {pid}"
        if qos == 2:
            self.send(ack5(raw.PUBREL, pid))
            comp = parse_ack(self.expect(raw.PUBCOMP))
            assert (comp.pid, comp.reason) == (pid, SUCCESS), f"PUBCOMP {comp!r}"
        return ack

    def expect_publish(self, timeout: float = TIMEOUT) -> Publish5:
        return parse_publish(self.expect(raw.PUBLISH, timeout))

    def acknowledge(self, pub: Publish5) -> None:
        """The receiver side of a QoS 1/2 flow for ``pub``."""
        if pub.qos == 1:
            self.send(ack5(raw.PUBACK, pub.pid))
        elif pub.qos == 2:
            self.send(ack5(raw.PUBREC, pub.pid))
            rel = self.expect(raw.PUBREL)
            assert rel.flags == 0x02 and parse_ack(rel).pid == pub.pid, f"PUBREL {rel!r}"
            self.send(ack5(raw.PUBCOMP, pub.pid))

    def receive(self, timeout: float = TIMEOUT) -> Publish5:
        """Next PUBLISH, acknowledged."""
        pub = self.expect_publish(timeout)
        self.acknowledge(pub)
        return pub

    def ping(self, timeout: float = TIMEOUT) -> None:
        self.send(raw.pingreq())
        self.expect(raw.PINGRESP, timeout)

    def assert_silent(self, seconds: float = 0.3) -> None:
        """Nothing arrives, and the connection stays open, for ``seconds``."""
        assert not self._stash, f"unexpected packets {self._stash!r}"
        try:
            p = self.c.recv_packet(seconds)
        except TimeoutError:
            return
        except ConnectionClosed:
            raise AssertionError("the broker closed the connection") from None
        raise AssertionError(f"unexpected packet {p!r}")

    def wait_closed(self, timeout: float = TIMEOUT) -> list[raw.Packet]:
        """Wait for the close; returns every packet not yet taken."""
        got, self._stash = self._stash + self.c.wait_closed(timeout), []
        return got

    def expect_disconnect(self, reason: int, timeout: float = TIMEOUT) -> Disconnect5:
        """The broker sends DISCONNECT ``reason`` as its one and last packet, then closes."""
        return self.expect_disconnect_in((reason,), timeout)

    def expect_disconnect_in(self, reasons: tuple[int, ...], timeout: float = TIMEOUT) -> Disconnect5:
        expected = "/".join(f"{r:#04x}" for r in reasons)
        got = self.wait_closed(timeout)
        disconnects = [parse_disconnect(p) for p in got if p.type == raw.DISCONNECT]
        assert disconnects, f"connection closed without a DISCONNECT (expected {expected}); got {got!r}"
        assert len(disconnects) == 1 and got[-1].type == raw.DISCONNECT, \
            f"DISCONNECT must be the broker's one and last packet: {got!r}"
        d = disconnects[0]
        assert d.reason in reasons, f"DISCONNECT reason {d.reason:#04x}, expected {expected} ({d.props!r})"
        return d

    def disconnect(self, reason: int = SUCCESS, props=None) -> None:
        """DISCONNECT, then half-close and wait for the broker's close."""
        self.send(disconnect5(reason, props))
        try:
            self.c.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        got = self.wait_closed()
        assert not any(p.type == raw.DISCONNECT for p in got), f"broker answered a DISCONNECT with {got!r}"
        self.c.close()

    def close(self, reset: bool = False) -> None:
        self.c.close(reset=reset)


# ------------------------------------------------------------ paho client
def raw_before_marker(sub: Raw5, publisher: Raw5, topic: str) -> list[Publish5]:
    """``messages_before_marker`` for a raw subscriber: ``publisher`` (another
    connection) publishes a marker on ``topic``; returns what ``sub`` got
    before it (all acknowledged)."""
    marker = unique("marker-").encode()
    publisher.publish(topic, marker, qos=1)
    before = []
    while (p := sub.receive()).payload != marker:
        before.append(p)
    return before


def pass_time(since: float, seconds: float) -> None:
    """Wait until ``seconds`` have passed since ``since`` (for expiry tests,
    where the passing of time is itself the condition)."""
    wait_until(lambda: time.monotonic() - since >= seconds, seconds + 5, interval=0.05,
               message=f"{seconds}s to pass")


# ------------------------------------------------------------ fixtures
class V5Clients:
    """MQTT 5 clients of one broker. Raw sockets come from the ``clients``
    fixture's factory (closed by it); paho clients are closed here."""

    def __init__(self, clients):
        self.clients = clients
        self.broker = clients.broker
        self._paho: list[Paho5Client] = []

    def raw(self, timeout: float = TIMEOUT) -> Raw5:
        return Raw5(self.clients.raw(timeout=timeout))

    def connected(self, client_id: str | None = None, **kw) -> Raw5:
        """A raw MQTT 5 client, connected (CONNACK 0)."""
        c = self.raw()
        c.client_id = client_id or unique("v5-")
        c.connack = c.connect(c.client_id, **kw)
        return c

    def with_will(self, client_id: str | None = None, topic: str | None = None, payload: bytes | None = None,
                  qos: int = 1, retain: bool = False, will_props=None, **kw):
        """A raw MQTT 5 client connected with a Will (topic ``will/<id>``, a unique
        payload); returns (client, client_id, will_topic, will_payload)."""
        client_id = client_id or unique("dev5-")
        topic = topic or f"will/{client_id}"
        payload = unique("gone-").encode() if payload is None else payload
        c = self.raw()
        c.client_id = client_id
        c.connack = c.connect(client_id, will_topic=topic, will_payload=payload, will_qos=qos,
                              will_retain=retain, will_props=will_props, **kw)
        return c, client_id, topic, payload

    def paho(self, client_id: str | None = None, connect: bool = True, clean_start: bool = True,
             properties: Properties | None = None, **kw) -> Paho5Client:
        c = Paho5Client(self.broker.host, self.broker.port, client_id, **kw)
        self._paho.append(c)
        if connect:
            c.connect(clean_start=clean_start, properties=properties)
        return c

    def watcher(self, topic_filter: str = "will/#", qos: int = 2) -> Paho5Client:
        w = self.paho()
        assert w.subscribe(topic_filter, qos) == [qos]
        return w

    def close_all(self) -> None:
        for c in reversed(self._paho):
            try:
                c.close()
            except Exception:  # teardown must go on
                pass


@pytest.fixture
def v5(clients):
    f = V5Clients(clients)
    try:
        yield f
    finally:
        f.close_all()


@pytest.fixture
def v5_of(clients_of):
    """``v5_of(broker)`` -> V5Clients, for brokers started with broker_factory."""
    made: list[V5Clients] = []

    def make(broker):
        f = V5Clients(clients_of(broker))
        made.append(f)
        return f

    try:
        yield make
    finally:
        for f in made:
            f.close_all()
