"""Connection I/O at the socket level: a connection that ends in the middle of
a packet is reported once, a client that does not read what the broker sends
it is paused (bounded memory) and resumes when it reads again, bytes queued
before the broker closes a connection still reach the client, and a client
that never reads them does not hold its connection open for ever."""

import select
import socket
import time

import pytest

import mqtt_raw as raw
from mqtt_paho import unique
from willgate_harness import wait_until


@pytest.fixture
def watcher(clients):
    return clients.watcher("will/#", 1)


@pytest.mark.parametrize("reset", [False, True], ids=["fin", "rst"])
def test_connection_lost_in_the_middle_of_a_packet_is_reported_once(broker, clients, watcher, bystander, reset):
    c, cid, topic, payload = clients.raw_with_will()
    whole = raw.publish_packet("a/b", b"x" * 1000, qos=1, pid=9)
    c.send(whole[:500])
    c.close(reset=reset)
    assert watcher.wait_message(topic).payload == payload
    bystander.assert_alive()
    broker.check_session_end_logged(cid, c.local_address, "peer-closed|io-error", "published")


def _wait_writable(sock, timeout):
    return bool(select.select([], [sock], [], timeout)[1])


def _sysctl_max(name):
    with open(f"/proc/sys/net/ipv4/{name}") as f:
        return int(f.read().split()[2])


@pytest.mark.willgate_only
def test_client_that_does_not_read_its_acknowledgements_is_paused_then_resumes(broker_factory, clients_of):
    """Each QoS 1 PUBLISH gets a PUBACK; a client that sends them without
    reading its PUBACKs must be stopped (the broker stops reading it once
    max_output_buffer bytes are queued to it) instead of growing memory. Once
    it reads again, every PUBACK arrives and it can go on publishing."""
    broker = broker_factory(limits={"max_output_buffer": 65536})
    clients = clients_of(broker)
    c = clients.raw()
    c.connect(unique("deaf-"))
    # 7-byte PUBLISHes, each answered by a 4-byte PUBACK.
    per_chunk = 10_000
    chunk = b"".join(raw.publish_packet("d", b"", qos=1, pid=1 + i) for i in range(per_chunk))
    packet_size = len(chunk) // per_chunk
    # Until the pause, the bytes taken fill at most the socket buffers on the way
    # (ours, the broker's receive buffer, and the PUBACKs in its send buffer and
    # ours) plus max_output_buffer; without it the broker reads for ever.
    wmem, rmem = _sysctl_max("tcp_wmem"), _sysctl_max("tcp_rmem")
    bound = rmem + 6 * wmem + 8 * 1024 * 1024
    c.sock.setblocking(False)
    sent = 0
    pending = b""
    while True:
        if not pending:
            pending = chunk
        if not _wait_writable(c.sock, 2.0):
            break  # the broker stopped reading us
        try:
            n = c.sock.send(pending)
        except BlockingIOError:
            continue
        sent += n
        pending = pending[n:]
        assert sent < bound, f"the broker kept reading a client that does not read ({sent} bytes taken)"
    # Finish the packet cut in half; then every PUBACK must arrive, in order.
    c.sock.setblocking(True)
    c.sock.settimeout(30)
    cut = len(pending) % packet_size
    if cut:
        c.sock.sendall(pending[:cut])
    packets = (sent + cut) // packet_size
    expected = b"".join(raw.puback(1 + i % per_chunk) for i in range(packets))
    got = bytearray()
    while len(got) < len(expected):
        data = c.sock.recv(1 << 20)
        assert data, f"closed after {len(got) // 4} of {packets} PUBACKs"
        got += data
    assert got == expected
    c.send(raw.publish_packet("d", b"again", qos=1, pid=4242))
    assert raw.packet_id(c.expect(raw.PUBACK)) == 4242
    c.ping()


# More than the socket buffers between the broker and a client that does not
# read can hold (the broker's send buffer grows to tcp_wmem's maximum, 4 MiB by
# default): the rest waits in the broker, below a raised output limit.
QUEUED_LIMITS = {"max_output_buffer": 64 * 1024 * 1024}
QUEUED_COUNT = 12
QUEUED_SIZE = max(800_000, _sysctl_max("tcp_wmem") * 2 // QUEUED_COUNT)


def _fill_queue_of(clients, topic_prefix, count=QUEUED_COUNT, size=QUEUED_SIZE):
    """A raw subscriber that never reads, and `count` QoS 0 messages of `size`
    bytes routed to it (each publish acknowledged, so all were routed)."""
    stuck = clients.raw()
    stuck.connect(unique("stuck-"))
    stuck.subscribe([(topic_prefix + "/#", 0)])
    pub = clients.paho()
    for i in range(count):
        pub.publish(f"{topic_prefix}/{i}", b"%06d" % i + b"q" * (size - 6), qos=1, timeout=30)
    return stuck


@pytest.mark.willgate_only
def test_bytes_queued_before_a_protocol_error_still_reach_the_client(broker_factory, clients_of):
    broker = broker_factory(limits=QUEUED_LIMITS)
    clients = clients_of(broker)
    stuck = _fill_queue_of(clients, "queued")
    stuck.send(raw.publish_packet("bad/+", b"wildcard in a topic name"))
    got = stuck.wait_closed(timeout=30)
    publishes = [raw.parse_publish(p) for p in got if p.type == raw.PUBLISH]
    assert [p.payload[:6] for p in publishes] == [b"%06d" % i for i in range(QUEUED_COUNT)]
    assert len(got) == len(publishes)
    broker.check_connection_end_count(stuck.local_address)


@pytest.mark.willgate_only
def test_close_does_not_wait_for_ever_on_a_client_that_never_reads(broker_factory, clients_of):
    """The lingering close of a connection with unsent bytes ends after the
    linger time (2 s): its slot under max_connections is free again."""
    broker = broker_factory(limits={"max_connections": 3, **QUEUED_LIMITS})
    clients = clients_of(broker)
    stuck = _fill_queue_of(clients, "linger")  # with its publisher: 2 connections
    stuck.send(raw.publish_packet("bad/+", b"wildcard in a topic name"))
    broker.wait_for_log(rf"\bdisconnected client=stuck-\S+ peer={stuck.local_address} cause=protocol-error")
    closed_at = time.monotonic()
    # Still flushing, the stuck connection counts: with the publisher and this
    # probe all three slots are taken, and the next connection is refused.
    probe = clients.raw()
    probe.connect(unique("probe-"))
    refused = clients.raw()
    with pytest.raises(AssertionError, match="closed the connection"):
        refused.connect(unique("refused-"))

    def accepted():
        c = clients.raw()
        try:
            c.connect(unique("later-"))
            return True
        except AssertionError:
            return False
    wait_until(accepted, timeout=10, message="a connection accepted after the linger time")
    assert time.monotonic() - closed_at >= 1.5, "the stuck connection was closed before its linger time"
