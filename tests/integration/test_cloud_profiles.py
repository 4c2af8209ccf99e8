"""The cloud profiles against real Mosquitto brokers standing in for the
clouds and enforcing their rules (cloud_broker.py):

- aws_iot: TLS with a client certificate whose name is the user of an ACL that
  only allows the thing's topics; the test plays the Device Shadow service
  (it reads the updates and answers on .../accepted or .../rejected);
- huawei_iotda: a password file holding the credentials the test computed
  itself (HMAC-SHA256 of the secret keyed by the hour), so a wrong HMAC is
  refused; the test plays the IoTDA platform (events, reports, commands).

A field device connects with a Will and dies abruptly; the cloud gets the
profile's liveness message; telemetry arrives in the cloud's form; a command
comes down to the device. Every wait is a condition with a deadline."""

import datetime
import hashlib
import hmac
import json
import time

import pytest

from cloud_broker import Certificates, Cloud
from mqtt_paho import unique
from test_bridge import bridge_config
from willgate_harness import wait_until

pytestmark = pytest.mark.willgate_only

THING = "gw-thing"
SHADOWS = f"$aws/things/{THING}/shadow"


def aws_cloud(tmp_path):
    certs = Certificates(tmp_path / "pki")
    acl = ["topic readwrite #", "topic readwrite $aws/#",  # the test's own clients (anonymous, plain listener)
           "user client",                                  # the gateway (its certificate's CN)
           f"topic readwrite {SHADOWS}/#", f"topic write telemetry/{THING}/#", f"topic read cmd/{THING}/#"]
    return certs, Cloud(tmp_path / "cloud", certs, acl=acl, identity_as_username=True).start()


def aws_gateway(tmp_path, broker_factory, certs, cloud, extra=""):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    config = bridge_config(data_dir, f"ssl://127.0.0.1:{cloud.port}", forward=(("sensors/#", f"telemetry/{THING}/{{1}}"),),
                           profile="aws_iot", ca_file=str(certs.ca), cert_file=str(certs.client_cert),
                           key_file=str(certs.client_key))
    config += f'\n[bridge.aws_iot]\nthing_name = "{THING}"\n'
    config += f'\n[[bridge.downlink]]\nremote = "cmd/{THING}/+/set"\nlocal = "devices/{{1}}/set"\n' + extra
    gateway = broker_factory(config_text=config)
    gateway.wait_for_log(rf"bridge cloud: connected to ssl://127.0.0.1:{cloud.port}", 20)
    return gateway


def test_aws_a_dying_device_updates_its_shadow_and_telemetry_and_commands_flow(tmp_path, broker_factory, clients_of):
    certs, cloud = aws_cloud(tmp_path)
    try:
        shadow_service = cloud.subscriber(f"{SHADOWS}/name/+/update")
        telemetry = cloud.subscriber(f"telemetry/{THING}/#")
        gateway = aws_gateway(tmp_path, broker_factory, certs, cloud)
        # The gateway's thing name is its client id (AWS IoT's default policy ties the two).
        assert gateway.count_log(r"bridge cloud \(aws_iot\): client id") == 0

        dying = clients_of(gateway).raw()
        dying.connect("meter.7", will_topic="devices/meter.7/will", will_payload=b"lost", will_qos=1)
        update_topic = f"{SHADOWS}/name/meter_2E7/update"  # "." escaped for a shadow name
        online = json.loads(shadow_service.wait_message(update_topic).payload)
        assert online["state"]["reported"]["connected"] is True
        assert online["state"]["reported"]["clientId"] == "meter.7"
        dying.close()  # no DISCONNECT: the Will goes out
        offline = json.loads(wait_until(
            lambda: [m for m in shadow_service.received(update_topic)
                     if not json.loads(m.payload)["state"]["reported"]["connected"]], 15)[0].payload)
        reported = offline["state"]["reported"]
        assert reported["cause"] == "peer-closed"
        assert reported["sinceMs"] >= online["state"]["reported"]["sinceMs"]
        assert reported["lastWill"]["topic"] == "devices/meter.7/will"
        assert reported["lastWill"]["payload"] == "lost"
        # The service answers; a rejection is surfaced in the log (and the bridge's status).
        shadow_service.publish(update_topic + "/rejected",
                               json.dumps({"code": 400, "message": "Missing required node: state",
                                           "clientToken": offline.get("clientToken", "")}), qos=1)
        gateway.wait_for_log(r"bridge cloud: the shadow update of device meter\.7 was rejected: 400", 15)
        # Throttled (AWS allows 10 shadow requests in flight): the device's current state goes again.
        before = len(shadow_service.received(update_topic))
        shadow_service.publish(update_topic + "/rejected", json.dumps({"code": 429, "message": "Too Many Requests"}),
                               qos=1)
        again = json.loads(wait_until(lambda: shadow_service.received(update_topic)[before:], 15)[0].payload)
        assert again["state"]["reported"]["connected"] is False
        assert again["state"]["reported"]["cause"] == "peer-closed"

        device = clients_of(gateway).paho()
        device.publish("sensors/k1/temp", "21.5", qos=2)  # AWS has no QoS 2: sent as QoS 1
        got = telemetry.wait_message(f"telemetry/{THING}/k1/temp", b"21.5")
        assert got.qos == 1

        assert device.subscribe("devices/valve-1/set", 1) == [1]
        app = cloud.subscriber("nothing/yet")
        wait_until(lambda: app.publish(f"cmd/{THING}/valve-1/set", "open", qos=1) or device.received("devices/valve-1/set"),
                   15, interval=0.5)
    finally:
        cloud.stop()


def test_aws_messages_beyond_its_limits_are_set_aside_and_the_rest_goes_on(tmp_path, broker_factory, clients_of):
    certs, cloud = aws_cloud(tmp_path)
    try:
        telemetry = cloud.subscriber(f"telemetry/{THING}/#")
        gateway = aws_gateway(tmp_path, broker_factory, certs, cloud)
        device = clients_of(gateway).paho()
        device.publish("sensors/big", b"x" * (128 * 1024 + 1), qos=1)       # payload over 128 KB
        device.publish("sensors/a/b/c/d/e/f/g", "deep", qos=1)               # 8 slashes once mapped
        device.publish("sensors/ok", "fine", qos=1)
        telemetry.wait_message(f"telemetry/{THING}/ok", b"fine")
        gateway.wait_for_log(r"set aside: payload of 131073 bytes", 10)
        gateway.wait_for_log(r"set aside: .*slash", 10)
        assert not telemetry.received(f"telemetry/{THING}/big")
        assert not telemetry.received(f"telemetry/{THING}/a/b/c/d/e/f/g")
    finally:
        cloud.stop()


# ----------------------------------------------------------------- Huawei IoTDA

GATEWAY_ID = "gw_0001"
SECRET = "s3cret-of-the-gateway"


def iotda_password(secret: str, hour: str) -> str:
    """The platform's rule, computed independently of the gateway: HMAC-SHA256
    keyed by the YYYYMMDDHH timestamp over the secret, lower-case hex."""
    return hmac.new(hour.encode(), secret.encode(), hashlib.sha256).hexdigest()


def current_hour() -> str:
    """The UTC hour, after waiting out the last seconds of one (the password changes with it)."""
    wait_until(lambda: datetime.datetime.now(datetime.timezone.utc).minute * 60
               + datetime.datetime.now(datetime.timezone.utc).second < 3570, 40, interval=0.5)
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d%H")


def iotda_cloud(tmp_path, secret=SECRET):
    acl = ["topic readwrite #", "topic readwrite $oc/#",
           f"user {GATEWAY_ID}", f"topic write $oc/devices/{GATEWAY_ID}/sys/events/up",
           f"topic write $oc/devices/{GATEWAY_ID}/sys/gateway/sub_devices/properties/report",
           f"topic read $oc/devices/{GATEWAY_ID}/sys/commands/#",
           f"topic write $oc/devices/{GATEWAY_ID}/sys/commands/response/#"]
    passwords = {GATEWAY_ID: iotda_password(secret, current_hour())}
    return Cloud(tmp_path / "cloud", acl=acl, passwords=passwords).start()


def iotda_config(tmp_path, cloud, secret=SECRET) -> str:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    config = bridge_config(data_dir, f"tcp://127.0.0.1:{cloud.port}", forward=(), profile="huawei_iotda",
                           will_topic="gateways/gw/status", will_payload="offline")
    return config + f'''
[bridge.huawei_iotda]
device_id = "{GATEWAY_ID}"
secret = "{secret}"

[bridge.huawei_iotda.sub_devices]
"meter-1" = "sub_meter_1"

[[bridge.huawei_iotda.telemetry]]
local = "devices/+/telemetry"
client_id = "{{1}}"
service_id = "Sensor"
'''


def test_iotda_liveness_telemetry_and_commands_in_the_platform_s_language(tmp_path, broker_factory, clients_of):
    cloud = iotda_cloud(tmp_path)
    try:
        platform = cloud.subscriber(f"$oc/devices/{GATEWAY_ID}/sys/#")
        gateway = broker_factory(config_text=iotda_config(tmp_path, cloud))
        gateway.wait_for_log(r"bridge cloud: connected to", 20)
        # IoTDA has no Will: the configured one is not sent.
        assert gateway.count_log(r"bridge cloud \(huawei_iotda\): .*Will") == 1

        events = f"$oc/devices/{GATEWAY_ID}/sys/events/up"
        dying = clients_of(gateway).raw()
        dying.connect("meter-1", will_topic="devices/meter-1/will", will_payload=b"lost", will_qos=1)

        def statuses():
            found = []
            for m in platform.received(events):
                for service in json.loads(m.payload)["services"]:
                    assert service["service_id"] == "$sub_device_manager"
                    assert service["event_type"] == "sub_device_update_status"
                    found += service["paras"]["device_statuses"]
            return found
        wait_until(lambda: {"device_id": "sub_meter_1", "status": "ONLINE"} in statuses(), 15)
        dying.close()
        wait_until(lambda: {"device_id": "sub_meter_1", "status": "OFFLINE"} in statuses(), 15)

        device = clients_of(gateway).paho(client_id="valve-9")
        device.publish("devices/valve-9/telemetry", '{"temp": 21.5}', qos=1)
        report_topic = f"$oc/devices/{GATEWAY_ID}/sys/gateway/sub_devices/properties/report"
        report = json.loads(platform.wait_message(report_topic).payload)
        entry = report["devices"][0]
        assert entry["device_id"] == "valve-9"  # the default template: the client id
        assert entry["services"][0]["service_id"] == "Sensor"
        assert entry["services"][0]["properties"] == {"temp": 21.5}

        assert device.subscribe("devices/valve-9/commands/+", 1) == [1]
        command = {"object_device_id": "valve-9", "service_id": "Valve", "command_name": "open", "paras": {"level": 3}}
        platform.publish(f"$oc/devices/{GATEWAY_ID}/sys/commands/request_id=42", json.dumps(command), qos=1)
        got = device.wait_message("devices/valve-9/commands/42", timeout=15)
        assert json.loads(got.payload) == {"service_id": "Valve", "command_name": "open", "paras": {"level": 3}}
        device.publish("devices/valve-9/commands/42/response", '{"result_code": 0, "paras": {"opened": true}}', qos=1)
        answer = platform.wait_message(f"$oc/devices/{GATEWAY_ID}/sys/commands/response/request_id=42")
        assert json.loads(answer.payload) == {"result_code": 0, "paras": {"opened": True}}

        # A command for the gateway itself (it has none) is answered at once, as failed.
        platform.publish(f"$oc/devices/{GATEWAY_ID}/sys/commands/request_id=43",
                         json.dumps({"command_name": "reboot"}), qos=1)
        failed = platform.wait_message(f"$oc/devices/{GATEWAY_ID}/sys/commands/response/request_id=43")
        assert json.loads(failed.payload)["result_code"] == 1
    finally:
        cloud.stop()


def test_iotda_refuses_a_wrong_secret_and_the_gateway_says_so(tmp_path, broker_factory, clients_of):
    cloud = iotda_cloud(tmp_path)
    try:
        gateway = broker_factory(config_text=iotda_config(tmp_path, cloud, secret="not-the-secret"))
        gateway.wait_for_log(r"bridge cloud: cannot connect to .*the cloud refused the connection: (not authorized|bad user name or password)", 20)
        assert gateway.count_log(r"bridge cloud: connected to") == 0
        # The local broker carries on.
        a, b = clients_of(gateway).paho(), clients_of(gateway).paho()
        assert b.subscribe("x/y", 1) == [1]
        a.publish("x/y", "still here", qos=1)
        b.wait_message("x/y", b"still here")
    finally:
        cloud.stop()


def test_aws_the_tls_handshake_names_the_endpoint_and_offers_the_configured_alpn(tmp_path, broker_factory):
    """What AWS IoT Core checks before any MQTT: Server Name Indication (it refuses TLS without
    it) and, on port 443, the ALPN protocol x-amzn-mqtt-ca. A TLS server of the test's own
    records both from the gateway's ClientHello."""
    import socket
    import ssl
    import threading

    certs = Certificates(tmp_path / "pki")
    seen = {}
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certs.server_cert, certs.server_key)
    context.set_alpn_protocols(["x-amzn-mqtt-ca"])
    context.sni_callback = lambda sock, name, ctx: seen.update(sni=name)  # None: go on
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.settimeout(20)

    def serve():
        try:
            conn, _ = listener.accept()
            with context.wrap_socket(conn, server_side=True) as tls:
                seen["alpn"] = tls.selected_alpn_protocol()
                seen["first_byte"] = tls.recv(1)  # the CONNECT packet's type
        except (OSError, ssl.SSLError) as error:
            seen["error"] = repr(error)
    server = threading.Thread(target=serve, daemon=True)
    server.start()
    try:
        data_dir = tmp_path / "data"
        data_dir.mkdir()
        config = bridge_config(data_dir, f"ssl://localhost:{port}", forward=(("sensors/#", "t/{1}"),),
                               profile="aws_iot", ca_file=str(certs.ca), cert_file=str(certs.client_cert),
                               key_file=str(certs.client_key), alpn=["x-amzn-mqtt-ca"])
        broker_factory(config_text=config + f'\n[bridge.aws_iot]\nthing_name = "{THING}"\n')
        server.join(20)
        assert seen.get("sni") == "localhost", seen
        assert seen.get("alpn") == "x-amzn-mqtt-ca", seen
        assert seen.get("first_byte") == b"\x10", seen  # then the MQTT CONNECT
    finally:
        listener.close()
