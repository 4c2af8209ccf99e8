"""Bad HTTP input to the real gateway's dashboard: each is refused with the
right status, and afterwards the gateway still serves /healthz and MQTT."""

import json

import pytest

from web_client import Dashboard, assert_still_serving, password_hash, raw_exchange, status_of, web_config

pytestmark = pytest.mark.willgate_only

PASSWORD = "s3cret-Pa55"


@pytest.fixture(scope="module")
def user_hash():
    return password_hash(PASSWORD)


@pytest.fixture
def site(broker_factory, user_hash, tmp_path):
    broker = broker_factory(config_text=web_config(users=[("admin", user_hash)]))
    # A file next to the gateway's working directory that no URL may reach.
    (broker.workdir / "secret.txt").write_text("top secret\n")
    return broker, Dashboard(broker)


def test_malformed_json_login_is_400(site):
    broker, dashboard = site
    for body in ("{not json", "[]", '{"name": "admin"}', '{"name": 1, "password": 2}', ""):
        response = dashboard.request("POST", "/login", body, {"Origin": dashboard.origin,
                                                              "Content-Type": "application/json"})
        assert response.status == 400, body
        assert "error" in response.json()
    assert_still_serving(broker, dashboard)


def test_unknown_route_is_404(site):
    broker, dashboard = site
    for path in ("/nothing", "/api", "/api/devices/", "/api/devices/x/y/z", "/index.php"):
        response = dashboard.request("GET", path)
        assert response.status == 404, path
        assert response.json() == {"error": "not found"}
    assert_still_serving(broker, dashboard)


def test_wrong_method_is_405_with_allow(site):
    broker, dashboard = site
    response = dashboard.request("POST", "/api/devices", "", {"Origin": dashboard.origin})
    assert response.status == 405
    assert response.headers["Allow"] == "GET, HEAD"
    response = dashboard.request("PUT", "/api/devices/x", "", {"Origin": dashboard.origin})
    assert response.status == 405
    assert response.headers["Allow"] == "GET, HEAD, DELETE"
    assert dashboard.request("DELETE", "/healthz").status == 405
    assert_still_serving(broker, dashboard)


def test_oversized_body_is_413(site):
    broker, dashboard = site
    big = json.dumps({"name": "admin", "password": "x" * (100 * 1024)})
    response = dashboard.request("POST", "/login", big, {"Origin": dashboard.origin,
                                                         "Content-Type": "application/json"})
    assert response.status == 413
    # Chunked, without a length up front.
    head = (f"POST /login HTTP/1.1\r\nHost: 127.0.0.1:{dashboard.port}\r\nOrigin: {dashboard.origin}\r\n"
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").encode()
    chunk = b"x" * 8192
    body = b"".join(b"%x\r\n" % len(chunk) + chunk + b"\r\n" for _ in range(10)) + b"0\r\n\r\n"
    assert status_of(raw_exchange("127.0.0.1", dashboard.port, head + body)) == 413
    assert_still_serving(broker, dashboard)


def test_missing_or_forged_session_is_401(site):
    broker, dashboard = site
    assert dashboard.request("GET", "/api/devices").status == 401
    for cookie in ("willgate_session=forged", "willgate_session=", "other=1", "willgate_session=" + "A" * 43):
        response = dashboard.request("GET", "/api/broker", headers={"Cookie": cookie})
        assert response.status == 401, cookie
        assert response.json() == {"error": "login required"}
    assert dashboard.request("GET", "/api/events", headers={"Cookie": "willgate_session=forged"}).status == 401
    assert_still_serving(broker, dashboard)


def test_cross_site_requests_are_403(site):
    broker, dashboard = site
    assert dashboard.login("admin", PASSWORD).status == 200
    # No Origin or Referer, a foreign one, or no / a wrong CSRF token.
    assert dashboard.request("DELETE", "/api/devices/x", headers={"X-CSRF-Token": dashboard.csrf}).status == 403
    assert dashboard.request("DELETE", "/api/devices/x", headers={"Origin": "http://evil.example",
                                                                  "X-CSRF-Token": dashboard.csrf}).status == 403
    assert dashboard.request("DELETE", "/api/devices/x", headers={"Referer": "http://evil.example/page",
                                                                  "X-CSRF-Token": dashboard.csrf}).status == 403
    assert dashboard.request("DELETE", "/api/devices/x", headers={"Origin": dashboard.origin}).status == 403
    assert dashboard.request("DELETE", "/api/devices/x", headers={"Origin": dashboard.origin,
                                                                  "X-CSRF-Token": "wrong"}).status == 403
    assert dashboard.request("POST", "/logout", "", headers={"Origin": "null"}).status == 403
    login = json.dumps({"name": "admin", "password": PASSWORD})
    assert dashboard.request("POST", "/login", login, {"Content-Type": "application/json"}).status == 403
    assert dashboard.request("POST", "/login", login, {"Content-Type": "application/json",
                                                       "Origin": "http://evil.example"}).status == 403
    # The session is still good, and the page's own way works.
    assert dashboard.changing("DELETE", "/api/devices/x").status == 404
    assert_still_serving(broker, dashboard)


@pytest.mark.parametrize("path", [
    "/assets/../../etc/passwd",
    "/assets/%2e%2e/%2e%2e/etc/passwd",
    "/assets/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/assets/..%2f..%2f..%2fetc%2fpasswd",
    "/assets/%252e%252e/etc/passwd",
    "/assets/../secret.txt",
    "/assets/..%2fsecret.txt",
    "/secret.txt",
    "/../../../../etc/passwd",
])
def test_path_traversal_in_asset_urls_is_404(site, path):
    broker, dashboard = site
    # Sent byte for byte (http.client does not normalise the path).
    raw = raw_exchange("127.0.0.1", dashboard.port,
                       f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{dashboard.port}\r\nConnection: close\r\n\r\n".encode())
    assert status_of(raw) == 404, raw[:300]
    assert b"root:" not in raw and b"top secret" not in raw
    assert_still_serving(broker, dashboard)


def test_bad_login_is_401(site):
    broker, dashboard = site
    assert dashboard.login("admin", "wrong").status == 401
    assert dashboard.login("nobody", PASSWORD).status == 401
    assert dashboard.login("admin", "").status == 401
    assert dashboard.cookie is None
    assert_still_serving(broker, dashboard)


def test_repeated_failed_logins_are_throttled_with_429(site):
    broker, dashboard = site
    for attempt in range(5):
        assert dashboard.login("admin", f"guess-{attempt}").status == 401
    throttled = dashboard.login("admin", PASSWORD)  # even the right password, while locked
    assert throttled.status == 429
    assert int(throttled.headers["Retry-After"]) >= 1
    assert "error" in throttled.json()
    assert_still_serving(broker, dashboard)


def test_header_flood_and_long_urls_are_refused(site):
    broker, dashboard = site
    port = dashboard.port
    flood = "".join(f"X-Flood-{i}: {'v' * 50}\r\n" for i in range(500))
    raw = raw_exchange("127.0.0.1", port, f"GET /healthz HTTP/1.1\r\nHost: x\r\n{flood}\r\n".encode())
    assert status_of(raw) == 400
    huge_header = f"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: {'v' * 100000}\r\n\r\n"
    assert status_of(raw_exchange("127.0.0.1", port, huge_header.encode())) == 400
    long_target = "/api/devices/" + "a" * 5000
    assert dashboard.request("GET", long_target).status == 414
    very_long = f"GET /{'a' * 20000} HTTP/1.1\r\nHost: x\r\n\r\n"
    assert status_of(raw_exchange("127.0.0.1", port, very_long.encode())) in (400, 414)
    assert status_of(raw_exchange("127.0.0.1", port, b"NONSENSE\r\n\r\n")) == 400
    assert_still_serving(broker, dashboard)
