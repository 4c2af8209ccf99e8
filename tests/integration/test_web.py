"""The dashboard of the real gateway: page, API, live stream, login, TLS,
configuration and `willgate passwd`, over 127.0.0.1 with the standard library."""

import base64
import hashlib
import http.client
import os
import re
import select
import signal
import ssl
import subprocess
import time

import pytest

from web_client import Dashboard, assert_still_serving, password_hash, web_config
from willgate_harness import wait_until, willgate_binary

pytestmark = pytest.mark.willgate_only

ADMIN_PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def admin_hash():
    return password_hash(ADMIN_PASSWORD)


@pytest.fixture
def open_dashboard(broker):
    """The default gateway: dashboard on 127.0.0.1 without users (no login)."""
    return Dashboard(broker)


@pytest.fixture
def secured(broker_factory, admin_hash):
    """A gateway with one dashboard user, and its Dashboard (not logged in)."""
    broker = broker_factory(config_text=web_config(users=[("admin", admin_hash)]))
    return broker, Dashboard(broker)


def read_event(response, timeout=5.0):
    """The next SSE event (a dict of its fields) or comment from a streaming response."""
    deadline = time.monotonic() + timeout
    fields = {}
    while time.monotonic() < deadline:
        line = response.readline().decode()
        assert line, "the event stream ended"
        line = line.rstrip("\n")
        if line == "":
            if fields:
                return fields
            continue
        if line.startswith(":"):
            return {"comment": line[1:].strip()}
        name, _, value = line.partition(": ")
        fields[name] = value
    raise AssertionError("no event within the timeout")


def next_event_named(response, name, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        event = read_event(response, deadline - time.monotonic())
        if event.get("event") == name:
            return event
    raise AssertionError(f"no {name} event within {timeout} s")


# --------------------------------------------------------------------- serving

def test_dashboard_address_is_logged_and_healthz_answers(broker, open_dashboard):
    assert broker.dashboard[0] == "http"
    assert broker.dashboard[1] == "127.0.0.1"
    assert broker.count_log(r"dashboard on http://127\.0\.0\.1:\d+") == 1
    # Logged before the gateway reports that it runs.
    lines = broker.lines()
    dashboard_at = next(i for i, l in enumerate(lines) if "dashboard on" in l)
    running_at = next(i for i, l in enumerate(lines) if re.search(r"willgate \S+ running", l))
    assert dashboard_at < running_at
    response = open_dashboard.request("GET", "/healthz")
    assert response.status == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["Content-Type"] == "application/json"


def test_page_and_assets_are_served_from_the_binary(open_dashboard):
    page = open_dashboard.request("GET", "/")
    assert page.status == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert b'<script src="/assets/app.js"' in page.body
    assert b"login-form" in page.body
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    script = open_dashboard.request("GET", "/assets/app.js")
    assert script.status == 200
    assert script.headers["Content-Type"].startswith("text/javascript")
    # What a device controls is put on the page as text, never parsed as HTML.
    for forbidden in (b"innerHTML", b"outerHTML", b"insertAdjacentHTML", b"document.write"):
        assert forbidden not in script.body
    assert b"textContent" in script.body and b"createTextNode" in script.body
    style = open_dashboard.request("GET", "/assets/app.css")
    assert style.status == 200 and style.headers["Content-Type"].startswith("text/css")
    assert b"no bridge configured" in page.body


def test_open_dashboard_api_without_login(open_dashboard):
    session = open_dashboard.request("GET", "/api/session").json()
    assert session["login_required"] is False and session["authenticated"] is True
    devices = open_dashboard.request("GET", "/api/devices")
    assert devices.status == 200
    assert devices.json() == {"sequence": 0, "online": 0, "offline": 0, "devices": []}
    broker_status = open_dashboard.request("GET", "/api/broker")
    assert broker_status.status == 200
    figures = broker_status.json()
    assert figures["version"] and figures["started_ms"] > 0
    for key in ("clients_connected", "messages_received", "messages_sent", "bytes_received", "bytes_sent",
                "disconnects_by_cause", "wills_by_cause", "listeners"):
        assert key in figures
    assert open_dashboard.request("GET", "/api/devices/nobody").status == 404
    assert open_dashboard.request("GET", "/api/devices/a%2Fb%20c/history?from=0").status == 404
    assert open_dashboard.request("GET", "/api/devices/x/history?from=yesterday").status == 400


def test_forgetting_an_unknown_device_is_404(open_dashboard):
    open_dashboard.csrf = open_dashboard.request("GET", "/api/session").json()["csrf_token"]
    assert open_dashboard.changing("DELETE", "/api/devices/nobody").status == 404


def test_open_dashboard_refuses_a_foreign_host_header(open_dashboard):
    # A DNS name rebound to 127.0.0.1 must not reach the open dashboard.
    response = open_dashboard.request("GET", "/api/devices", headers={"Host": "attacker.example"})
    assert response.status == 403


def test_metrics_in_prometheus_text_format(open_dashboard):
    response = open_dashboard.request("GET", "/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.body.decode()
    for metric in ("willgate_clients_connected", "willgate_messages_received_total", "willgate_messages_sent_total",
                   "willgate_bytes_received_total", "willgate_bytes_sent_total", "willgate_wills_published_total",
                   "willgate_disconnects_total", "willgate_listener_connections", "willgate_devices",
                   "willgate_uptime_seconds"):
        assert f"# TYPE {metric} " in text, metric
    assert 'willgate_devices{state="online"} 0\n' in text
    assert re.search(r"^willgate_uptime_seconds \d+$", text, re.M)


def test_event_stream_sends_broker_figures_every_second(open_dashboard):
    conn = open_dashboard.connection()
    try:
        conn.request("GET", "/api/events", headers={"Last-Event-ID": "0"})
        response = conn.getresponse()
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/event-stream"
        first = next_event_named(response, "broker")
        started = time.monotonic()
        second = next_event_named(response, "broker", timeout=3)
        assert time.monotonic() - started < 2.0
        assert '"version"' in first["data"] and '"updated_ms"' in second["data"]
    finally:
        conn.close()


def test_event_streams_are_capped(broker_factory):
    broker = broker_factory(config_text=web_config(max_streams=2))
    dashboard = Dashboard(broker)
    open_streams = []
    try:
        for _ in range(2):
            conn = dashboard.connection()
            conn.request("GET", "/api/events")
            response = conn.getresponse()
            assert response.status == 200
            next_event_named(response, "broker")
            open_streams.append(conn)
        refused = dashboard.request("GET", "/api/events")
        assert refused.status == 503
        assert refused.headers["Retry-After"]
        assert dashboard.request("GET", "/healthz").status == 200  # other requests still served
        open_streams.pop().close()
        # The server notices the closed stream at its next write (within about a second).

        def admitted():
            conn = dashboard.connection()
            conn.request("GET", "/api/events")
            response = conn.getresponse()
            if response.status == 200:
                open_streams.append(conn)
                return True
            response.read()
            conn.close()
            return False
        wait_until(admitted, timeout=10, interval=0.2, message="a stream slot to free up")
    finally:
        for conn in open_streams:
            conn.close()


def test_gateway_stops_promptly_with_an_event_stream_open(broker, open_dashboard):
    conn = open_dashboard.connection()
    conn.request("GET", "/api/events")
    response = conn.getresponse()
    next_event_named(response, "broker")
    started = time.monotonic()
    try:
        assert broker.stop() == 0
    finally:
        conn.close()
    assert time.monotonic() - started < 5, "stopping took more than 5 s"
    assert broker.count_log(r"\bstopped$") == 1


def test_disabled_dashboard_opens_no_port(broker_factory):
    broker = broker_factory(config_text=web_config(enabled=False))
    assert broker.dashboard is None
    assert broker.count_log(r"dashboard disabled") == 1


# --------------------------------------------------------------------- login

def test_login_session_and_logout(secured):
    broker, dashboard = secured
    assert dashboard.request("GET", "/api/devices").status == 401
    session = dashboard.request("GET", "/api/session").json()
    assert session == {"login_required": True, "authenticated": False}
    assert dashboard.request("GET", "/").status == 200  # the page, which shows its login form

    response = dashboard.login("admin", ADMIN_PASSWORD)
    assert response.status == 200, response
    cookie = response.headers["Set-Cookie"]
    assert re.match(r"willgate_session=[A-Za-z0-9_-]{43};", cookie)
    for attribute in ("HttpOnly", "SameSite=Strict", "Path=/"):
        assert attribute in cookie
    assert "Secure" not in cookie  # plain HTTP
    assert response.json()["user"] == "admin"

    assert dashboard.request("GET", "/api/devices").status == 200
    assert dashboard.request("GET", "/api/session").json()["user"] == "admin"
    assert dashboard.changing("DELETE", "/api/devices/nobody").status == 404

    assert dashboard.changing("POST", "/logout").status == 200
    assert dashboard.request("GET", "/api/devices").status == 401


def test_form_login_redirects_to_the_page(secured):
    _, dashboard = secured
    body = f"name=admin&password={ADMIN_PASSWORD.replace(' ', '+')}"
    response = dashboard.request("POST", "/login", body, {"Origin": dashboard.origin,
                                                          "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status == 303
    assert response.headers["Location"] == "/"
    assert response.headers["Set-Cookie"].startswith("willgate_session=")


def test_metrics_take_basic_auth_when_users_exist(secured):
    _, dashboard = secured
    refused = dashboard.request("GET", "/metrics")
    assert refused.status == 401
    assert refused.headers["WWW-Authenticate"].startswith("Basic ")
    token = base64.b64encode(f"admin:{ADMIN_PASSWORD}".encode()).decode()
    assert dashboard.request("GET", "/metrics", headers={"Authorization": f"Basic {token}"}).status == 200
    assert dashboard.request("GET", "/healthz").status == 200  # always open


def test_public_metrics_option(broker_factory, admin_hash):
    broker = broker_factory(config_text=web_config(users=[("admin", admin_hash)], public_metrics=True))
    dashboard = Dashboard(broker)
    assert dashboard.request("GET", "/metrics").status == 200
    assert dashboard.request("GET", "/api/devices").status == 401


def test_non_loopback_dashboard_with_users_accepts_a_remote_host_header(broker_factory, admin_hash):
    broker = broker_factory(config_text=web_config(users=[("admin", admin_hash)], bind="0.0.0.0"))
    scheme, host, port = broker.dashboard
    assert host == "0.0.0.0"
    broker.dashboard = (scheme, "127.0.0.1", port)
    dashboard = Dashboard(broker)
    assert dashboard.login("admin", ADMIN_PASSWORD).status == 200
    assert dashboard.request("GET", "/api/devices", headers={"Host": f"gateway.example:{port}"}).status == 200


# --------------------------------------------------------------------- TLS

@pytest.fixture
def certificate(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    result = subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                             "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
                             "-addext", "subjectAltName=IP:127.0.0.1"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return cert, key


def test_dashboard_over_tls(broker_factory, certificate, admin_hash):
    cert, key = certificate
    broker = broker_factory(config_text=web_config(users=[("admin", admin_hash)], tls_cert=str(cert), tls_key=str(key)))
    assert broker.dashboard[0] == "https"
    assert broker.count_log(r"dashboard on https://127\.0\.0\.1:\d+") == 1
    dashboard = Dashboard(broker, cafile=str(cert))
    assert dashboard.request("GET", "/healthz").status == 200
    response = dashboard.login("admin", ADMIN_PASSWORD)
    assert response.status == 200
    assert "; Secure" in response.headers["Set-Cookie"]
    assert dashboard.request("GET", "/api/devices").status == 200
    # Plain HTTP on the TLS port gets no HTTP answer.
    plain = http.client.HTTPConnection("127.0.0.1", broker.dashboard[2], timeout=10)
    with pytest.raises((http.client.HTTPException, ConnectionError, OSError)):
        plain.request("GET", "/healthz")
        plain.getresponse().read()
    plain.close()
    assert_still_serving(broker, dashboard)


def run_willgate(*args, timeout=30):
    return subprocess.run([willgate_binary(), *args], capture_output=True, text=True, timeout=timeout)


def test_tls_needs_both_files_readable(tmp_path, certificate):
    cert, key = certificate
    conf = tmp_path / "half.toml"
    conf.write_text(web_config(tls_cert=str(cert)))
    result = run_willgate("--check-config", str(conf))
    assert result.returncode == 1
    assert f"{conf}:2: web.tls_cert: web.tls_cert and web.tls_key go together" in result.stderr
    conf.write_text(web_config(tls_cert=str(cert), tls_key=str(tmp_path / "missing.pem")))
    result = run_willgate("--check-config", str(conf))
    assert result.returncode == 1
    assert f"{conf}:3: web.tls_key: cannot read \"{tmp_path / 'missing.pem'}\"" in result.stderr


def test_a_bad_certificate_stops_start_up(tmp_path, certificate):
    cert, key = certificate
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate\n")
    conf = tmp_path / "bad-cert.toml"
    conf.write_text(web_config(tls_cert=str(garbage), tls_key=str(key)))
    result = run_willgate("--config", str(conf), "--bind", "127.0.0.1", "-p", "0", "--http-port", "0",
                          "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 1
    assert "fatal:" in result.stderr


# --------------------------------------------------------------------- configuration

def test_non_loopback_dashboard_without_users_is_a_config_error(tmp_path):
    conf = tmp_path / "open.toml"
    conf.write_text('[web]\nbind = "0.0.0.0"\n')
    result = run_willgate("--check-config", str(conf))
    assert result.returncode == 1
    assert f'{conf}:2: web.bind: "0.0.0.0" is not a loopback address' in result.stderr
    result = run_willgate("--config", str(conf), "--bind", "127.0.0.1", "-p", "0", "--data-dir", str(tmp_path))
    assert result.returncode == 1


def test_http_port_option_is_in_the_usage(tmp_path):
    result = run_willgate("--help")
    assert "--http-port PORT" in result.stdout
    assert run_willgate("--http-port", "seventy").returncode == 2


# --------------------------------------------------------------------- willgate passwd

def check_hash(text, password):
    m = re.fullmatch(r"pbkdf2-sha256\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)", text)
    assert m, text
    iterations = int(m.group(1))
    salt, derived = base64.b64decode(m.group(2)), base64.b64decode(m.group(3))
    assert iterations >= 100000
    assert len(salt) == 16
    assert hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations, len(derived)) == derived


def test_passwd_from_stdin_prints_a_pbkdf2_hash():
    first = password_hash("s3cret pass")
    check_hash(first, "s3cret pass")
    assert password_hash("s3cret pass") != first  # a new salt each time
    empty = subprocess.run([willgate_binary(), "passwd"], input="", capture_output=True, text=True, timeout=30)
    assert empty.returncode == 1 and "no password" in empty.stderr


def read_until(fd, pattern, timeout=20.0):
    data = b""
    deadline = time.monotonic() + timeout
    while pattern not in data:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"no {pattern!r} in {data!r}"
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            chunk = os.read(fd, 1024)
            assert chunk, f"closed before {pattern!r}: {data!r}"
            data += chunk
    return data


@pytest.mark.parametrize("second, status", [("tty secret", 0), ("other", 1)])
def test_passwd_on_a_terminal_asks_twice_without_echo(second, status):
    master, slave = os.openpty()
    proc = subprocess.Popen([willgate_binary(), "passwd"], stdin=slave, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    os.close(slave)
    try:
        read_until(proc.stderr.fileno(), b"Password: ")
        os.write(master, b"tty secret\n")
        read_until(proc.stderr.fileno(), b"Repeat the password: ")
        os.write(master, second.encode() + b"\n")
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == status, err
        # Nothing typed was echoed to the terminal.
        echoed = b""
        while select.select([master], [], [], 0)[0]:
            try:
                chunk = os.read(master, 1024)
            except OSError:
                break
            if not chunk:
                break
            echoed += chunk
        assert b"secret" not in echoed
        if status == 0:
            check_hash(out.decode().strip(), "tty secret")
        else:
            assert b"differ" in err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
