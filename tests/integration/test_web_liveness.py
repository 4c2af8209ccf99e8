"""The dashboard's API over the real liveness registry: devices that connect,
drop and come back, as the JSON API, the event stream and /metrics show them."""

import json
import signal
import time
import urllib.parse

import pytest

import mqtt_raw as raw
from mqtt_paho import unique
from web_client import Dashboard
from willgate_harness import kill_hard, start_first, wait_until

pytestmark = pytest.mark.willgate_only


@pytest.fixture
def dashboard(broker):
    return Dashboard(broker)


def device_json(dashboard, client_id):
    response = dashboard.request("GET", "/api/devices/" + urllib.parse.quote(client_id, safe=""))
    return response.json() if response.status == 200 else None


def test_a_device_is_online_then_offline_with_its_cause_and_will(broker, dashboard, clients_of):
    cid = unique("meter-")
    device = clients_of(broker).raw()
    device.connect(cid, will_topic=f"status/{cid}", will_payload=b"offline", will_qos=1, will_retain=True,
                   keepalive=30)
    wait_until(lambda: (device_json(dashboard, cid) or {}).get("online") is True, 5,
               message=f"{cid} online in /api/devices/{cid}")
    online = device_json(dashboard, cid)
    assert online["peer"] == device.local_address
    assert online["protocol"] == "3.1.1" and online["keep_alive"] == 30
    assert online["will"] == {"topic": f"status/{cid}", "qos": 1, "retain": True, "delay_seconds": 0,
                              "payload_size": 7}
    listed = dashboard.request("GET", "/api/devices").json()
    assert cid in [d["client_id"] for d in listed["devices"]]
    assert listed["online"] >= 1

    device.close()
    wait_until(lambda: device_json(dashboard, cid)["online"] is False, 5, message=f"{cid} offline")
    offline = device_json(dashboard, cid)
    assert offline["last_cause"] == "peer-closed"
    assert offline["last_will"]["topic"] == f"status/{cid}"
    assert offline["last_will"]["payload"] == "offline"
    assert offline["since_ms"] >= online["since_ms"]

    history = dashboard.request("GET", "/api/devices/" + cid + "/history").json()
    assert [(t["online"], t["cause"], t["will_published"]) for t in history["transitions"]] == \
        [(True, "", False), (False, "peer-closed", True)]
    assert 0 < history["uptime_24h"] <= 1


def test_forget_refuses_an_online_device_and_drops_an_offline_one(broker, dashboard, clients_of):
    dashboard.csrf = dashboard.request("GET", "/api/session").json()["csrf_token"]
    cid = unique("gone-")
    device = clients_of(broker).paho(cid)
    wait_until(lambda: device_json(dashboard, cid) is not None, 5, message=f"{cid} listed")
    assert dashboard.changing("DELETE", f"/api/devices/{cid}").status == 409
    device.disconnect()
    wait_until(lambda: device_json(dashboard, cid)["online"] is False, 5, message=f"{cid} offline")
    assert dashboard.changing("DELETE", f"/api/devices/{cid}").status == 200
    assert dashboard.request("GET", f"/api/devices/{cid}").status == 404
    assert dashboard.request("GET", f"/api/devices/{cid}/history").status == 404


def read_events(response, name, count, timeout):
    """`count` events called `name` from an open SSE response, as parsed JSON."""
    deadline = time.monotonic() + timeout
    found, fields = [], {}
    while len(found) < count:
        assert time.monotonic() < deadline, f"only {len(found)} {name} events within {timeout} s"
        line = response.readline().decode()
        assert line, "the event stream ended"
        line = line.rstrip("\n")
        if line == "":
            if fields.get("event") == name:
                found.append(json.loads(fields["data"]))
            fields = {}
        elif not line.startswith(":"):
            key, _, value = line.partition(": ")
            fields[key] = value
    return found


def test_the_event_stream_reports_each_change_within_a_second(broker, dashboard, clients_of):
    start = dashboard.request("GET", "/api/devices").json()["sequence"]
    conn = dashboard.connection()
    try:
        conn.request("GET", "/api/events", headers={"Last-Event-ID": str(start)})
        response = conn.getresponse()
        assert response.status == 200
        cid = unique("live-")
        device = clients_of(broker).raw()
        connected_at = time.monotonic()
        device.connect(cid, will_topic=f"status/{cid}", will_payload=b"bye")
        [online] = read_events(response, "device", 1, 5)
        assert time.monotonic() - connected_at < 1.0
        assert online["transition"]["client_id"] == cid and online["transition"]["online"] is True
        assert online["device"]["will"]["topic"] == f"status/{cid}"
        closed_at = time.monotonic()
        device.close()
        [offline] = read_events(response, "device", 1, 5)
        assert time.monotonic() - closed_at < 1.0
        assert offline["transition"]["cause"] == "peer-closed"
        assert offline["transition"]["will_published"] is True
        assert offline["sequence"] > online["sequence"]
    finally:
        conn.close()


def test_metrics_count_devices_wills_and_listeners(broker, dashboard, clients_of):
    cid = unique("metered-")
    device = clients_of(broker).raw()
    device.connect(cid, will_topic=f"status/{cid}", will_payload=b"x")
    wait_until(lambda: 'willgate_devices{state="online"} 1\n' in dashboard.request("GET", "/metrics").body.decode(),
               5, message="one online device in /metrics")
    device.close()

    def metrics():
        return dashboard.request("GET", "/metrics").body.decode()
    wait_until(lambda: 'willgate_wills_published_total{cause="peer-closed"} 1\n' in metrics(), 5,
               message="the Will counted by cause in /metrics")
    text = metrics()
    assert 'willgate_devices{state="offline"} 1\n' in text
    assert 'willgate_disconnects_total{cause="peer-closed"} 1\n' in text
    assert f'willgate_listener_connections{{listener="127.0.0.1:{broker.port}"}}' in text


def test_after_a_crash_the_api_shows_the_device_offline_with_cause_gateway_restart(tmp_path, broker_factory):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    first = start_first(tmp_path, data_dir)
    cid = unique("crashed-")
    device = None
    try:
        device = raw.RawClient(first.host, first.port)
        device.connect(cid, will_topic=f"status/{cid}", will_payload=b"lost", will_qos=1)
        wait_until(lambda: (device_json(Dashboard(first), cid) or {}).get("online"), 5,
                   message=f"{cid} online before the crash")
        kill_hard(first)
    finally:
        if device:
            device.close()
        first.stop(sig=signal.SIGKILL)
    second = broker_factory(extra_args=("--data-dir", str(data_dir)))
    # Offline at once; the Will published at start-up is recorded as its commit lands.
    wait_until(lambda: device_json(Dashboard(second), cid)["last_will"] is not None, 5,
               message=f"{cid}'s Will, published at start-up, in the API")
    after = device_json(Dashboard(second), cid)
    assert after["online"] is False
    assert after["last_cause"] == "gateway-restart"
    assert after["last_will"]["topic"] == f"status/{cid}" and after["last_will"]["payload"] == "lost"
