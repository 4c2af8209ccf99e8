"""The broker's $SYS topics, with the names Mosquitto uses: a monitoring tool
subscribed to them sees the clients connected, the messages and bytes going
through, and the version, refreshed every monitoring.sys_interval."""

import pytest

from mqtt_paho import unique
from willgate_harness import cmake_project_version, wait_until, willgate_config_text

pytestmark = pytest.mark.willgate_only


def start(tmp_path, broker_factory, sys_interval):
    text = willgate_config_text(tmp_path / "data") + f"\n[monitoring]\nsys_interval = {sys_interval}\n"
    (tmp_path / "data").mkdir(exist_ok=True)
    return broker_factory(config_text=text)


def latest(monitor, topic):
    messages = monitor.received(topic)
    return messages[-1].payload.decode() if messages else None


def test_sys_topics_follow_clients_messages_and_bytes(tmp_path, broker_factory, clients_of):
    broker = start(tmp_path, broker_factory, 1)
    clients = clients_of(broker)
    monitor = clients.paho(unique("monitor-"))
    monitor.subscribe("$SYS/broker/#")
    # Retained: the current figures arrive at once.
    monitor.wait_message("$SYS/broker/version")
    monitor.wait_message("$SYS/broker/uptime")
    assert latest(monitor, "$SYS/broker/version") == f"willgate version {cmake_project_version()}"
    assert latest(monitor, "$SYS/broker/uptime").endswith(" seconds")

    devices = [clients.paho(unique("device-")) for _ in range(3)]
    for i, device in enumerate(devices):
        for n in range(10):
            device.publish(f"telemetry/{i}", b"x" * 100)
    wait_until(lambda: latest(monitor, "$SYS/broker/clients/connected") == "4", 10,
               message="$SYS/broker/clients/connected counts the monitor and the three devices")
    wait_until(lambda: int(latest(monitor, "$SYS/broker/messages/received") or 0) >= 30, 10,
               message="$SYS/broker/messages/received counts the 30 PUBLISHes")
    # 30 PUBLISHes of more than 100 bytes each, plus the CONNECTs and the SUBSCRIBE.
    wait_until(lambda: int(latest(monitor, "$SYS/broker/bytes/received") or 0) > 3000, 10,
               message="$SYS/broker/bytes/received counts the bytes of the PUBLISHes")

    devices[0].close()
    wait_until(lambda: latest(monitor, "$SYS/broker/clients/connected") == "3", 10,
               message="a device that left is no longer counted")


def test_a_wildcard_subscriber_does_not_get_sys_topics(tmp_path, broker_factory, clients_of):
    broker = start(tmp_path, broker_factory, 1)
    clients = clients_of(broker)
    everything = clients.paho(unique("all-"))
    everything.subscribe("#")
    monitor = clients.paho(unique("monitor-"))
    monitor.subscribe("$SYS/broker/uptime")
    monitor.wait_message("$SYS/broker/uptime")
    marker = unique("marker-")
    monitor.publish("marker", marker.encode())
    everything.wait_message("marker", marker.encode())
    assert not [m for m in everything.received() if m.topic.startswith("$SYS/")]


def test_sys_interval_zero_publishes_no_sys_topics(tmp_path, broker_factory, clients_of):
    broker = start(tmp_path, broker_factory, 0)
    clients = clients_of(broker)
    monitor = clients.paho(unique("monitor-"))
    monitor.subscribe([("$SYS/broker/#", 0), ("marker", 0)])
    marker = unique("marker-")
    monitor.publish("marker", marker.encode())
    monitor.wait_message("marker", marker.encode())
    assert not [m for m in monitor.received() if m.topic.startswith("$SYS/broker/")]
