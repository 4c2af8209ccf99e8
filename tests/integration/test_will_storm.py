"""Many devices dying at once: 500 connections, each with its own QoS 1 Will,
all dropped together. Every Will must reach the watcher, exactly once.
Plain sockets, not 500 paho threads."""

import pytest

import mqtt_raw as raw
from mqtt_paho import messages_before_marker

N = 500


@pytest.mark.slow
@pytest.mark.parametrize("reset", [True, False], ids=["rst", "fin"])
def test_all_wills_published_when_500_connections_drop_at_once(broker, clients, reset):
    watcher = clients.watcher("will/#", 1)
    devices = []
    try:
        # Connect in batches: send a batch of CONNECTs, then read their CONNACKs.
        for start in range(0, N, 50):
            batch = []
            for i in range(start, min(start + 50, N)):
                c = raw.RawClient(broker.host, broker.port, timeout=30)
                devices.append(c)
                batch.append(c)
                c.send(raw.connect_packet(f"storm-{i}", will_topic=f"will/{i}",
                                          will_payload=f"dead-{i}".encode(), will_qos=1))
            for c in batch:
                p = c.expect(raw.CONNACK, timeout=30)
                assert p.body[1] == 0, f"CONNACK {p!r}"
        # Everyone is connected and holds a Will; now all connections go at once.
        for c in devices:
            c.close(reset=reset)
        watcher.wait_count(N, "will/", timeout=30)
    finally:
        for c in devices:
            c.close()
    before = messages_before_marker(watcher, clients.paho(), "will/marker")
    assert before == []
    wills = watcher.received()
    wills = [m for m in wills if m.topic != "will/marker"]
    topics = [m.topic for m in wills]
    assert len(topics) == len(set(topics)) == N, f"{len(topics)} Wills, {len(set(topics))} distinct"
    assert all(m.payload == f"dead-{m.topic.split('/')[1]}".encode() for m in wills)
    assert all(m.qos == 1 for m in wills)
    if broker.is_willgate:
        n = broker.count_log(r"\bdisconnected client=storm-\d+ .* will=published(?: |$)")
        assert n == N, f"{n} storm connections logged with will=published, expected {N}"
    assert broker.running()
