"""HTTP helpers for the dashboard tests: requests to a running willgate's
dashboard with the standard library only (http.client, ssl, socket), and a
check that the gateway still serves both the dashboard and MQTT."""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import subprocess
import time

from mqtt_paho import unique
from willgate_harness import Tool, willgate_binary


class Response:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)

    def __repr__(self) -> str:
        return f"<Response {self.status} {self.body[:200]!r}>"


class Dashboard:
    """The dashboard of one Broker (from its 'dashboard on' log line)."""

    def __init__(self, broker, cafile: str | None = None):
        assert broker.dashboard, "the broker logged no 'dashboard on' line"
        self.scheme, self.host, self.port = broker.dashboard
        self.cafile = cafile
        self.cookie: str | None = None
        self.csrf: str | None = None

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def connection(self, timeout: float = 10.0) -> http.client.HTTPConnection:
        if self.scheme == "https":
            context = ssl.create_default_context(cafile=self.cafile)
            return http.client.HTTPSConnection(self.host, self.port, timeout=timeout, context=context)
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def request(self, method: str, path: str, body: bytes | str | None = None,
                headers: dict | None = None, session: bool = True) -> Response:
        all_headers = {}
        if session and self.cookie:
            all_headers["Cookie"] = self.cookie
        all_headers.update(headers or {})
        conn = self.connection()
        try:
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            return Response(response.status, response.headers, response.read())
        finally:
            conn.close()

    def changing(self, method: str, path: str, body=None, headers: dict | None = None) -> Response:
        """A state-changing request the way the page sends it: same Origin, CSRF token."""
        all_headers = {"Origin": self.origin}
        if self.csrf:
            all_headers["X-CSRF-Token"] = self.csrf
        all_headers.update(headers or {})
        return self.request(method, path, body, all_headers)

    def login(self, name: str, password: str) -> Response:
        response = self.request("POST", "/login", json.dumps({"name": name, "password": password}),
                                {"Origin": self.origin, "Content-Type": "application/json"}, session=False)
        if response.status == 200:
            self.cookie = response.headers["Set-Cookie"].split(";", 1)[0]
            self.csrf = response.json()["csrf_token"]
        return response


def raw_exchange(host: str, port: int, data: bytes, timeout: float = 10.0) -> bytes:
    """Sends `data` on a fresh connection and returns what comes back until the
    server closes (or `timeout`)."""
    with socket.create_connection((host, port), timeout=timeout) as s:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer and close before it has read everything
        chunks = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            except socket.timeout:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def status_of(raw: bytes) -> int:
    assert raw.startswith(b"HTTP/1."), f"not an HTTP response: {raw[:200]!r}"
    return int(raw.split(b" ", 2)[1])


def mqtt_roundtrip(broker) -> None:
    """mosquitto_sub receives what mosquitto_pub sends through the gateway."""
    topic = unique("web/alive/")
    with Tool(["mosquitto_sub", "-h", broker.host, "-p", str(broker.port), "-t", topic,
               "-C", "1", "-W", "20", "-d"]) as sub:
        sub.wait_for_line(r"received SUBACK")
        pub = subprocess.run(["mosquitto_pub", "-h", broker.host, "-p", str(broker.port), "-t", topic,
                              "-m", "still-alive"], capture_output=True, timeout=20)
        assert pub.returncode == 0, pub.stderr
        sub.wait_for_line(r"^still-alive$")
        assert sub.finish() == 0


def assert_still_serving(broker, dashboard: Dashboard) -> None:
    assert broker.running(), "the gateway died"
    health = dashboard.request("GET", "/healthz", session=False)
    assert health.status == 200 and health.json() == {"status": "ok"}, health
    mqtt_roundtrip(broker)


def password_hash(password: str) -> str:
    """What `willgate passwd` prints for `password` given on stdin."""
    result = subprocess.run([willgate_binary(), "passwd"], input=password + "\n", capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def web_config(users=(), **web) -> str:
    """A config file with a [web] table (127.0.0.1 unless `bind` is given) and users."""
    lines = ["[web]"]
    web.setdefault("bind", "127.0.0.1")
    for key, value in web.items():
        if isinstance(value, bool):
            lines.append(f"{key} = {'true' if value else 'false'}")
        elif isinstance(value, int):
            lines.append(f"{key} = {value}")
        else:
            lines.append(f'{key} = "{value}"')
    for name, hash_text in users:
        lines += ["", "[[web.user]]", f'name = "{name}"', f'password_hash = "{hash_text}"']
    return "\n".join(lines) + "\n"
