"""The bridge's other directions and duties against a real Mosquitto cloud
(cloud_broker.py): cloud commands coming down to devices (and never going
back up), device liveness as cloud messages (also after a kill -9), a
persistent MQTT 5 cloud session, and the send rate limit. Every wait is a
condition with a deadline."""

import json
import signal

import pytest

import mqtt_raw as raw
from cloud_broker import Cloud
from mqtt_paho import unique
from test_bridge import bridge_config
from willgate_harness import Broker, kill_hard, wait_until, willgate_argv, willgate_binary

pytestmark = pytest.mark.willgate_only

LIVENESS = '\n[bridge.liveness]\ntopic = "gw1/devices/{client_id}/status"\n'


def downlink(remote: str, local: str, qos: int = 1) -> str:
    return f'\n[[bridge.downlink]]\nremote = "{remote}"\nlocal = "{local}"\nqos = {qos}\n'


def status(message) -> dict:
    return json.loads(message.payload)


def test_a_cloud_command_reaches_the_device_and_does_not_go_back_up(tmp_path, broker_factory, clients_of):
    cloud = Cloud(tmp_path / "cloud").start()
    try:
        watcher = cloud.subscriber("#")
        data_dir = tmp_path / "data"
        data_dir.mkdir()
        config = bridge_config(data_dir, f"tcp://127.0.0.1:{cloud.port}", forward=(("devices/#", "up/{topic}"),))
        gateway = broker_factory(config_text=config + downlink("cmd/gw1/+/set", "devices/{1}/set"))
        gateway.wait_for_log(r"bridge cloud: connected to", 20)
        device = clients_of(gateway).paho()
        assert device.subscribe("devices/valve-7/set", 1) == [1]
        app = cloud.subscriber("nothing/yet")
        # The bridge subscribes right after CONNACK; a command sent before that finds no subscriber.
        wait_until(lambda: app.publish("cmd/gw1/valve-7/set", "open", qos=1) or device.received("devices/valve-7/set"),
                   15, interval=0.5)
        command = device.received("devices/valve-7/set")[0]
        assert command.payload == b"open" and command.qos == 1
        # What a device publishes under devices/ is forwarded (the forward rule works) ...
        device.publish("devices/valve-7/state", "opened", qos=1)
        watcher.wait_message("up/devices/valve-7/state", b"opened")
        # ... but the command that came down the bridge was not sent back up.
        assert not watcher.received("up/devices/valve-7/set")
        assert gateway.count_log(r"bridge cloud: cannot subscribe") == 0
        gateway.stop()
        assert gateway.count_log(r"bridge cloud status: .*") >= 1
    finally:
        cloud.stop()


def test_device_liveness_changes_reach_the_cloud_retained(tmp_path, broker_factory, clients_of):
    cloud = Cloud(tmp_path / "cloud").start()
    try:
        watcher = cloud.subscriber("gw1/devices/#")
        data_dir = tmp_path / "data"
        data_dir.mkdir()
        gateway = broker_factory(config_text=bridge_config(data_dir, f"tcp://127.0.0.1:{cloud.port}", forward=())
                                 + LIVENESS)
        gateway.wait_for_log(r"bridge cloud: connected to", 20)
        client_id = unique("meter/")
        topic = f"gw1/devices/{client_id.replace('/', '%2F')}/status"
        device = clients_of(gateway).raw()
        device.connect(client_id, keepalive=30)
        online = watcher.wait_message(topic)
        assert status(online)["online"] is True and status(online)["client_id"] == client_id
        device.close()  # no DISCONNECT
        offline = wait_until(lambda: [m for m in watcher.received(topic) if not status(m)["online"]], 15)[0]
        assert status(offline)["cause"] == "peer-closed"
        assert status(offline)["since_ms"] >= status(online)["since_ms"]
        # Retained on the cloud: a late subscriber learns the current state at once.
        late = cloud.subscriber(topic)
        current = late.wait_message(topic)
        assert current.retain and status(current)["online"] is False
    finally:
        cloud.stop()


def test_liveness_recorded_while_the_gateway_was_down_reaches_the_cloud_after_kill_9(tmp_path, broker_factory):
    cloud = Cloud(tmp_path / "cloud").start()
    try:
        data_dir = tmp_path / "data"
        data_dir.mkdir()
        config = tmp_path / "gateway.toml"
        config.write_text(bridge_config(data_dir, f"tcp://127.0.0.1:{cloud.port}", forward=()) + LIVENESS)
        first = Broker(willgate_argv(willgate_binary(), data_dir, config, "127.0.0.1", ("--http-port", "0")),
                       tmp_path, "willgate").start()
        try:
            first.wait_for_log(r"bridge cloud: connected to", 20)
            watcher = cloud.subscriber("gw1/devices/#")
            device = raw.RawClient(first.host, first.port)
            device.connect("pump-1", keepalive=60, will_topic="will/pump-1", will_payload=b"gone", will_qos=1)
            wait_until(lambda: [m for m in watcher.received("gw1/devices/pump-1/status") if status(m)["online"]], 15)
            kill_hard(first)
        finally:
            first.stop(sig=signal.SIGKILL)
        # At the next start the device is marked offline (gateway-restart), and the cloud hears of it.
        second = broker_factory(config_text=config.read_text(), extra_args=("--data-dir", str(data_dir)))
        second.wait_for_log(r"bridge cloud: connected to", 20)
        offline = wait_until(lambda: [m for m in watcher.received("gw1/devices/pump-1/status")
                                      if not status(m)["online"]], 15)[0]
        assert status(offline)["cause"] == "gateway-restart"
    finally:
        cloud.stop()


def test_an_mqtt5_session_with_expiry_keeps_cloud_commands_while_the_gateway_is_away(tmp_path, broker_factory,
                                                                                     clients_of):
    cloud = Cloud(tmp_path / "cloud").start()
    try:
        data_dir = tmp_path / "data"
        data_dir.mkdir()
        config = (bridge_config(data_dir, f"tcp://127.0.0.1:{cloud.port}", forward=(), mqtt_version="5",
                                clean_session=False, session_expiry=300, client_id="gw-session")
                  + downlink("cmd/gw1/#", "commands/{1}"))
        gateway = broker_factory(config_text=config, extra_args=("--data-dir", str(data_dir)))
        gateway.wait_for_log(r"bridge cloud: connected to", 20)
        app = cloud.subscriber("nothing/yet")
        # The device keeps a persistent session on the gateway, as one that must not miss commands does.
        device = clients_of(gateway).paho(client_id="valve-session", clean_session=False)
        assert device.subscribe("commands/#", 1) == [1]
        wait_until(lambda: app.publish("cmd/gw1/probe", "p", qos=1) or device.received("commands/probe"), 15,
                   interval=0.5)
        device.disconnect()
        gateway.stop()
        app.publish("cmd/gw1/reboot", "now", qos=1)  # queued by the cloud for the gateway's session
        again = broker_factory(config_text=config, extra_args=("--data-dir", str(data_dir)))
        again.wait_for_log(r"bridge cloud: connected to", 20)
        back = clients_of(again).paho(client_id="valve-session", clean_session=False)
        back.wait_message("commands/reboot", b"now", timeout=15)
    finally:
        cloud.stop()


def test_the_send_rate_limit_spreads_a_backlog_without_dropping_any(tmp_path, broker_factory, clients_of):
    cloud = Cloud(tmp_path / "cloud").start()
    try:
        watcher = cloud.subscriber("site1/#")
        data_dir = tmp_path / "data"
        data_dir.mkdir()
        gateway = broker_factory(config_text=bridge_config(data_dir, f"tcp://127.0.0.1:{cloud.port}",
                                                           max_messages_per_second=20))
        gateway.wait_for_log(r"bridge cloud: connected to", 20)
        device = clients_of(gateway).paho()
        for i in range(60):
            device.publish("sensors/rate", str(i), qos=1)
        got = watcher.wait_count(60, "site1/", timeout=20)
        assert sorted(int(m.payload) for m in got[:60]) == list(range(60))
        # A burst of 20, then 20 per second: the last of 60 comes about 2 s after the first.
        span = got[59].at - got[0].at
        assert span >= 1.8, f"60 messages at 20/s arrived within {span:.2f} s"
    finally:
        cloud.stop()
