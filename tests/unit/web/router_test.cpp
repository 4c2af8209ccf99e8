#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "common/manual_clock.h"
#include "fake_ports.h"
#include "web/authenticator.h"
#include "web/cookies.h"
#include "web/router.h"
#include "web/text_encoding.h"

using namespace wg::web;

namespace {

// Password "admin-pw" (see password_hash_test.cpp).
constexpr const char* kAdminHash =
    "pbkdf2-sha256$100000$AAECAwQFBgcICQoLDA0ODw==$OrY/k4koQ5foa/zI1Z0LusNepbJDZIhz/FFySMqR9aw=";
constexpr const char* kOrigin = "http://127.0.0.1:8080";

struct Site {
    wg::ManualClock clock;
    test::FakeLiveness liveness;
    test::FakeStatus status;
    SessionStore sessions{clock};
    LoginThrottle throttle{clock};
    WebSettings settings;
    std::unique_ptr<Authenticator> auth;
    std::unique_ptr<Router> router;

    explicit Site(bool with_users, bool public_metrics = false) {
        if (with_users) {
            settings.users = {{"admin", kAdminHash}};
        }
        settings.public_metrics = public_metrics;
        auth = std::make_unique<Authenticator>(settings.users, sessions, throttle);
        router = std::make_unique<Router>(ApiContext{liveness, status, clock}, *auth, settings);
    }

    HttpResponse send(const std::string& method, const std::string& target, HeaderList headers = {},
                      const std::string& body = "") {
        HttpRequest request;
        request.method = method;
        request.target = target;
        request.headers = {{"Host", "127.0.0.1:8080"}};
        request.headers.insert(request.headers.end(), headers.begin(), headers.end());
        request.body = body;
        request.peer_address = "127.0.0.1";
        return router->handle(request);
    }

    HttpResponse login(const std::string& password, const std::string& peer_origin = kOrigin) {
        return send("POST", "/login", {{"Origin", peer_origin}, {"Content-Type", "application/json"}},
                    R"({"name":"admin","password":")" + password + R"("})");
    }
};

std::string cookie_of(const HttpResponse& response) {
    const std::string* set_cookie = response.header("Set-Cookie");
    REQUIRE(set_cookie != nullptr);
    const std::string value = set_cookie->substr(0, set_cookie->find(';'));
    return value;
}

std::string json_field(const std::string& body, const std::string& name) {
    const std::string key = "\"" + name + "\":\"";
    const std::size_t start = body.find(key);
    REQUIRE(start != std::string::npos);
    return body.substr(start + key.size(), body.find('"', start + key.size()) - start - key.size());
}

}  // namespace

TEST_CASE("open_dashboard_needs_no_login_but_a_loopback_host", "[unit][web]") {
    Site site{false};
    CHECK(site.send("GET", "/api/devices").status == 200);
    const HttpResponse session = site.send("GET", "/api/session");
    CHECK(session.body.find(R"("login_required":false,"authenticated":true)") != std::string::npos);
    HttpRequest rebound;
    rebound.method = "GET";
    rebound.target = "/api/devices";
    rebound.headers = {{"Host", "attacker.example:8080"}};
    CHECK(site.router->handle(rebound).status == 403);
    CHECK(site.send("POST", "/login", {{"Origin", kOrigin}, {"Content-Type", "application/json"}}, "{}").status == 400);
}

TEST_CASE("open_dashboard_still_wants_origin_and_token_for_changes", "[unit][web]") {
    Site site{false};
    site.liveness.put(test::device("old", false));
    CHECK(site.send("DELETE", "/api/devices/old").status == 403);
    CHECK(site.send("DELETE", "/api/devices/old", {{"Origin", kOrigin}}).status == 403);
    const std::string token = json_field(site.send("GET", "/api/session").body, "csrf_token");
    CHECK(site.send("DELETE", "/api/devices/old", {{"Origin", kOrigin}, {"X-CSRF-Token", token + "x"}}).status == 403);
    CHECK(site.send("DELETE", "/api/devices/old", {{"Origin", kOrigin}, {"X-CSRF-Token", token}}).status == 200);
}

TEST_CASE("unknown_routes_are_404_and_wrong_methods_405_with_allow", "[unit][web]") {
    Site site{false};
    CHECK(site.send("GET", "/nothing/here").status == 404);
    CHECK(site.send("GET", "/api/devices/").status == 404);
    CHECK(site.send("GET", "/api").status == 404);
    const HttpResponse post = site.send("POST", "/api/devices", {{"Origin", kOrigin}});
    CHECK(post.status == 405);
    REQUIRE(post.header("Allow"));
    CHECK(*post.header("Allow") == "GET, HEAD");
    const HttpResponse put = site.send("PUT", "/api/devices/x", {{"Origin", kOrigin}});
    CHECK(put.status == 405);
    CHECK(*put.header("Allow") == "GET, HEAD, DELETE");
    CHECK(site.send("GET", "/login").status == 405);
    CHECK(site.send("HEAD", "/healthz").status == 200);
}

TEST_CASE("long_or_malformed_targets_are_refused", "[unit][web]") {
    Site site{false};
    CHECK(site.send("GET", "/" + std::string(5000, 'a')).status == 414);
    CHECK(site.send("GET", "/api/devices/%zz").status == 400);
    CHECK(site.send("GET", "*").status == 400);
}

TEST_CASE("asset_paths_are_looked_up_never_read_from_disk", "[unit][web]") {
    Site site{false};
    for (const char* target : {"/assets/../../etc/passwd", "/assets/%2e%2e/%2e%2e/etc/passwd",
                               "/assets/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/assets/..%2f..%2fetc%2fpasswd",
                               "/assets//etc/passwd", "/assets/app.js/../../../etc/passwd", "/etc/passwd"}) {
        INFO(target);
        const HttpResponse response = site.send("GET", target);
        CHECK(response.status == 404);
        CHECK(response.body.find("root:") == std::string::npos);
    }
    const HttpResponse script = site.send("GET", "/assets/app.js");
    CHECK(script.status == 200);
    CHECK(script.content_type == "text/javascript; charset=utf-8");
    const HttpResponse page = site.send("GET", "/");
    CHECK(page.status == 200);
    CHECK(page.content_type == "text/html; charset=utf-8");
    CHECK(page.body.find("login-form") != std::string::npos);
}

TEST_CASE("every_response_has_the_security_headers", "[unit][web]") {
    Site site{true};
    for (const char* target : {"/", "/api/devices", "/nowhere", "/healthz"}) {
        const HttpResponse response = site.send("GET", target);
        CHECK(response.header("Content-Security-Policy"));
        CHECK(*response.header("X-Content-Type-Options") == "nosniff");
        CHECK(*response.header("X-Frame-Options") == "DENY");
    }
    CHECK(*site.send("GET", "/api/devices").header("Cache-Control") == "no-store");
}

TEST_CASE("api_needs_a_session_when_users_exist", "[unit][web]") {
    Site site{true};
    const HttpResponse none = site.send("GET", "/api/devices");
    CHECK(none.status == 401);
    CHECK(none.content_type == "application/json");
    CHECK(none.body == R"({"error":"login required"})");
    CHECK(site.send("GET", "/api/devices", {{"Cookie", "willgate_session=forged"}}).status == 401);
    CHECK(site.send("GET", "/api/broker", {{"Cookie", "other=1"}}).status == 401);
    CHECK(site.send("GET", "/api/events").status == 401);
    CHECK(site.send("GET", "/").status == 200);  // the page, which shows the login form
    CHECK(site.send("GET", "/healthz").status == 200);
    CHECK(site.send("GET", "/api/session").body.find(R"("authenticated":false)") != std::string::npos);
}

TEST_CASE("login_sets_a_session_cookie_that_logout_ends", "[unit][web]") {
    Site site{true};
    const HttpResponse ok = site.login("admin-pw");
    REQUIRE(ok.status == 200);
    const std::string cookie = cookie_of(ok);
    CHECK(cookie.starts_with("willgate_session="));
    CHECK(ok.header("Set-Cookie")->find("HttpOnly") != std::string::npos);
    const std::string token = json_field(ok.body, "csrf_token");
    CHECK(token.size() == 43);

    CHECK(site.send("GET", "/api/devices", {{"Cookie", cookie}}).status == 200);
    const HttpResponse session = site.send("GET", "/api/session", {{"Cookie", cookie}});
    CHECK(json_field(session.body, "user") == "admin");
    CHECK(json_field(session.body, "csrf_token") == token);

    // Changes need the same origin and the session's token.
    CHECK(site.send("DELETE", "/api/devices/x", {{"Cookie", cookie}, {"Origin", kOrigin}}).status == 403);
    CHECK(site.send("DELETE", "/api/devices/x", {{"Cookie", cookie}, {"Origin", "http://evil.example"},
                                                 {"X-CSRF-Token", token}}).status == 403);
    CHECK(site.send("DELETE", "/api/devices/x", {{"Cookie", cookie}, {"X-CSRF-Token", token}}).status == 403);
    CHECK(site.send("DELETE", "/api/devices/x", {{"Cookie", cookie}, {"Referer", std::string{kOrigin} + "/"},
                                                 {"X-CSRF-Token", token}}).status == 404);
    CHECK(site.send("POST", "/logout", {{"Cookie", cookie}, {"Origin", kOrigin}}).status == 403);
    const HttpResponse out = site.send("POST", "/logout", {{"Cookie", cookie}, {"Origin", kOrigin}, {"X-CSRF-Token", token}});
    CHECK(out.status == 200);
    CHECK(out.header("Set-Cookie")->find("Max-Age=0") != std::string::npos);
    CHECK(site.send("GET", "/api/devices", {{"Cookie", cookie}}).status == 401);
}

TEST_CASE("bad_logins_are_refused_with_the_right_status", "[unit][web]") {
    Site site{true};
    CHECK(site.login("wrong").status == 401);
    CHECK(site.login("admin-pw", "http://evil.example").status == 403);
    CHECK(site.send("POST", "/login", {{"Content-Type", "application/json"}}, R"({"name":"admin","password":"admin-pw"})")
              .status == 403);  // no Origin or Referer
    const HeaderList json{{"Origin", kOrigin}, {"Content-Type", "application/json"}};
    CHECK(site.send("POST", "/login", json, "{not json").status == 400);
    CHECK(site.send("POST", "/login", json, "[1,2]").status == 400);
    CHECK(site.send("POST", "/login", json, R"({"name":"admin"})").status == 400);
    CHECK(site.send("POST", "/login", json, R"({"name":1,"password":2})").status == 400);
    CHECK(site.send("POST", "/login", {{"Origin", kOrigin}, {"Content-Type", "text/plain"}}, "x").status == 415);
    const HttpResponse form = site.send("POST", "/login",
                                        {{"Origin", kOrigin}, {"Content-Type", "application/x-www-form-urlencoded"}},
                                        "name=admin&password=admin-pw");
    CHECK(form.status == 303);
    CHECK(*form.header("Location") == "/");
    CHECK(form.header("Set-Cookie"));
}

TEST_CASE("repeated_failed_logins_are_throttled_with_retry_after", "[unit][web]") {
    Site site{true};
    for (int i = 0; i < 5; ++i) {
        CHECK(site.login("guess" + std::to_string(i)).status == 401);
    }
    const HttpResponse throttled = site.login("admin-pw");  // even the right one, while locked
    CHECK(throttled.status == 429);
    REQUIRE(throttled.header("Retry-After"));
    CHECK(*throttled.header("Retry-After") == "1");
    site.clock.advance(std::chrono::seconds{1});
    CHECK(site.login("admin-pw").status == 200);
    CHECK(site.login("wrong").status == 401);  // success cleared the count
}

TEST_CASE("metrics_need_login_or_basic_auth_unless_public", "[unit][web]") {
    Site site{true};
    const HttpResponse none = site.send("GET", "/metrics");
    CHECK(none.status == 401);
    REQUIRE(none.header("WWW-Authenticate"));
    CHECK(none.header("WWW-Authenticate")->starts_with("Basic "));
    const std::string good = "Basic " + base64_encode("admin:admin-pw");
    const std::string bad = "Basic " + base64_encode("admin:nope");
    CHECK(site.send("GET", "/metrics", {{"Authorization", good}}).status == 200);
    CHECK(site.send("GET", "/metrics", {{"Authorization", bad}}).status == 401);
    CHECK(site.send("GET", "/metrics", {{"Authorization", "Basic !!!"}}).status == 401);
    const std::string cookie = cookie_of(site.login("admin-pw"));
    CHECK(site.send("GET", "/metrics", {{"Cookie", cookie}}).status == 200);

    Site open_metrics{true, true};
    CHECK(open_metrics.send("GET", "/metrics").status == 200);
    CHECK(open_metrics.send("GET", "/api/devices").status == 401);
}

TEST_CASE("event_stream_admission_applies_the_same_rules", "[unit][web]") {
    Site site{true};
    HttpRequest request;
    request.method = "GET";
    request.target = "/api/events?after=3";
    request.headers = {{"Host", "127.0.0.1:8080"}};
    CHECK(Router::is_event_stream(request));
    const auto refusal = site.router->admit_event_stream(request);
    REQUIRE(refusal);
    CHECK(refusal->status == 401);
    request.headers.emplace_back("Cookie", cookie_of(site.login("admin-pw")));
    CHECK_FALSE(site.router->admit_event_stream(request));
    request.target = "/api/eventsx";
    CHECK_FALSE(Router::is_event_stream(request));
}
