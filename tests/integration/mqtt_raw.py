"""Hand-built MQTT 3.1/3.1.1 packets over a plain socket.

Used where a library client would hide what we test: bad bytes, exact flags,
withheld acknowledgements, abrupt closes. Builders return ``bytes``;
``RawClient`` sends them and parses what comes back.
"""

from __future__ import annotations

import errno
import socket
import struct
import time
from dataclasses import dataclass

CONNECT, CONNACK, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP = 1, 2, 3, 4, 5, 6, 7
SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK, PINGREQ, PINGRESP, DISCONNECT = 8, 9, 10, 11, 12, 13, 14
NAMES = {1: "CONNECT", 2: "CONNACK", 3: "PUBLISH", 4: "PUBACK", 5: "PUBREC", 6: "PUBREL",
         7: "PUBCOMP", 8: "SUBSCRIBE", 9: "SUBACK", 10: "UNSUBSCRIBE", 11: "UNSUBACK",
         12: "PINGREQ", 13: "PINGRESP", 14: "DISCONNECT"}


# ------------------------------------------------------------------ encoding
def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n % 128, n // 128
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def string(s: str | bytes) -> bytes:
    """Two-byte length prefix + bytes (str is UTF-8 encoded; bytes go as-is)."""
    data = s.encode("utf-8") if isinstance(s, str) else s
    return struct.pack("!H", len(data)) + data


def packet(ptype: int, flags: int, body: bytes) -> bytes:
    return bytes([(ptype << 4) | flags]) + varint(len(body)) + body


def connect_packet(client_id: str | bytes = "", clean_session: bool = True, keepalive: int = 60,
                   will_topic: str | bytes | None = None, will_payload: bytes = b"",
                   will_qos: int = 0, will_retain: bool = False, username: str | None = None,
                   password: bytes | None = None, protocol_name: str | bytes = "MQTT",
                   protocol_level: int = 4, reserved_flag: bool = False) -> bytes:
    flags = 0x01 if reserved_flag else 0
    if clean_session:
        flags |= 0x02
    if will_topic is not None:
        flags |= 0x04 | (will_qos << 3) | (0x20 if will_retain else 0)
    if username is not None:
        flags |= 0x80
    if password is not None:
        flags |= 0x40
    body = string(protocol_name) + bytes([protocol_level, flags]) + struct.pack("!H", keepalive)
    body += string(client_id)
    if will_topic is not None:
        body += string(will_topic) + string(will_payload)
    if username is not None:
        body += string(username)
    if password is not None:
        body += string(password)
    return packet(CONNECT, 0, body)


def connect_v31(client_id: str, **kw) -> bytes:
    return connect_packet(client_id, protocol_name="MQIsdp", protocol_level=3, **kw)


def publish_packet(topic: str | bytes, payload: bytes = b"", qos: int = 0, retain: bool = False,
                   dup: bool = False, pid: int | None = None) -> bytes:
    flags = (0x08 if dup else 0) | (qos << 1) | (0x01 if retain else 0)
    body = string(topic)
    if qos > 0:
        assert pid is not None, "QoS > 0 needs a packet id"
    if pid is not None:
        body += struct.pack("!H", pid)
    return packet(PUBLISH, flags, body + payload)


def subscribe_packet(pid: int, filters: list[tuple[str | bytes, int]], flags: int = 0x02) -> bytes:
    body = struct.pack("!H", pid) + b"".join(string(f) + bytes([q]) for f, q in filters)
    return packet(SUBSCRIBE, flags, body)


def unsubscribe_packet(pid: int, filters: list[str | bytes], flags: int = 0x02) -> bytes:
    return packet(UNSUBSCRIBE, flags, struct.pack("!H", pid) + b"".join(string(f) for f in filters))


def ack_packet(ptype: int, pid: int) -> bytes:
    return packet(ptype, 0x02 if ptype == PUBREL else 0, struct.pack("!H", pid))


def puback(pid: int) -> bytes:
    return ack_packet(PUBACK, pid)


def pubrec(pid: int) -> bytes:
    return ack_packet(PUBREC, pid)


def pubrel(pid: int) -> bytes:
    return ack_packet(PUBREL, pid)


def pubcomp(pid: int) -> bytes:
    return ack_packet(PUBCOMP, pid)


def pingreq() -> bytes:
    return packet(PINGREQ, 0, b"")


def disconnect_packet() -> bytes:
    return packet(DISCONNECT, 0, b"")


# ------------------------------------------------------------------ decoding
@dataclass
class Packet:
    type: int
    flags: int
    body: bytes

    @property
    def name(self) -> str:
        return NAMES.get(self.type, f"type{self.type}")

    def __repr__(self) -> str:
        return f"<{self.name} flags={self.flags:#x} body={self.body[:40]!r}>"


@dataclass
class Publish:
    topic: str
    payload: bytes
    qos: int
    retain: bool
    dup: bool
    pid: int | None


def parse_publish(p: Packet) -> Publish:
    assert p.type == PUBLISH, f"expected PUBLISH, got {p!r}"
    qos = (p.flags >> 1) & 3
    tlen = struct.unpack("!H", p.body[:2])[0]
    topic = p.body[2:2 + tlen].decode("utf-8")
    pos = 2 + tlen
    pid = None
    if qos:
        pid = struct.unpack("!H", p.body[pos:pos + 2])[0]
        pos += 2
    return Publish(topic, p.body[pos:], qos, bool(p.flags & 1), bool(p.flags & 8), pid)


def packet_id(p: Packet) -> int:
    return struct.unpack("!H", p.body[:2])[0]


class ConnectionClosed(Exception):
    """The broker closed (FIN or RST) the connection."""


class RawClient:
    """A blocking socket speaking hand-built MQTT. Always close() it (the
    ``clients`` fixture does)."""

    def __init__(self, host: str, port: int, timeout: float = 10.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._buf = bytearray()
        self.closed_by_peer = False
        self._closed = False
        host, port = self.sock.getsockname()[:2]
        #: ``HOST:PORT`` of our end, as the broker logs it in ``peer=``.
        self.local_address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _fill(self, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        self.sock.settimeout(remaining)
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            raise TimeoutError from None
        except OSError as e:
            if e.errno in (errno.ECONNRESET, errno.EPIPE, errno.ECONNABORTED):
                self.closed_by_peer = True
                raise ConnectionClosed(str(e)) from None
            raise
        if not chunk:
            self.closed_by_peer = True
            raise ConnectionClosed("EOF")
        self._buf += chunk

    def recv_packet(self, timeout: float = 10.0) -> Packet:
        """Next complete packet. Raises TimeoutError or ConnectionClosed."""
        deadline = time.monotonic() + timeout
        while True:
            if len(self._buf) >= 2:
                mult, length, pos = 1, 0, 1
                complete_header = False
                while pos < len(self._buf) and pos <= 4:
                    b = self._buf[pos]
                    length += (b & 0x7F) * mult
                    mult *= 128
                    pos += 1
                    if not b & 0x80:
                        complete_header = True
                        break
                if complete_header and len(self._buf) >= pos + length:
                    first = self._buf[0]
                    body = bytes(self._buf[pos:pos + length])
                    del self._buf[:pos + length]
                    return Packet(first >> 4, first & 0x0F, body)
            self._fill(deadline)

    def expect(self, ptype: int, timeout: float = 10.0) -> Packet:
        try:
            p = self.recv_packet(timeout)
        except TimeoutError:
            raise AssertionError(f"no {NAMES[ptype]} within {timeout:.1f}s") from None
        except ConnectionClosed:
            raise AssertionError(f"broker closed the connection while we waited for {NAMES[ptype]}") from None
        assert p.type == ptype, f"expected {NAMES[ptype]}, got {p!r}"
        return p

    def expect_publish(self, timeout: float = 10.0) -> Publish:
        return parse_publish(self.expect(PUBLISH, timeout))

    def connect(self, client_id: str | bytes = "", expect_rc: int | None = 0, **kw) -> tuple[bool, int]:
        """Send CONNECT, return (session_present, return_code) from CONNACK."""
        if kw.pop("v31", False):
            self.send(connect_v31(client_id, **kw))
        else:
            self.send(connect_packet(client_id, **kw))
        p = self.expect(CONNACK)
        assert len(p.body) == 2 and p.flags == 0, f"malformed CONNACK {p!r}"
        session_present, rc = bool(p.body[0] & 1), p.body[1]
        if expect_rc is not None:
            assert rc == expect_rc, f"CONNACK return code {rc:#04x}, expected {expect_rc:#04x}"
        return session_present, rc

    def subscribe(self, filters: list[tuple[str, int]], pid: int = 1) -> list[int]:
        self.send(subscribe_packet(pid, filters))
        p = self.expect(SUBACK)
        assert packet_id(p) == pid, f"SUBACK for packet id {packet_id(p)}, expected {pid}"
        return list(p.body[2:])

    def ping(self, timeout: float = 10.0) -> None:
        self.send(pingreq())
        self.expect(PINGRESP, timeout)

    def wait_closed(self, timeout: float = 10.0) -> list[Packet]:
        """Wait for the broker to close the connection; return the packets it
        sent before closing. AssertionError if it is still open after ``timeout``."""
        deadline = time.monotonic() + timeout
        got: list[Packet] = []
        while True:
            try:
                got.append(self.recv_packet(max(deadline - time.monotonic(), 0.0)))
            except ConnectionClosed:
                return got
            except TimeoutError:
                raise AssertionError(f"broker did not close the connection within {timeout:.1f}s "
                                     f"(received {got!r})") from None

    def disconnect(self) -> None:
        """Clean DISCONNECT, then half-close and wait for the broker's close, so
        that on return the broker has surely processed the DISCONNECT."""
        self.send(disconnect_packet())
        try:
            self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        self.wait_closed()
        self.close()

    def close(self, reset: bool = False) -> None:
        """Close our end: a FIN, or with ``reset`` an RST (SO_LINGER 0)."""
        if self._closed:
            return
        self._closed = True
        try:
            if reset:
                self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.sock.close()
