#include <catch2/catch.hpp>

#include <string>

#include "web/cookies.h"
#include "web/request_target.h"
#include "web/same_origin.h"
#include "web/text_encoding.h"
#include "web/uptime.h"

using namespace wg::web;

TEST_CASE("utf8_validation_accepts_well_formed_and_refuses_the_rest", "[unit][web]") {
    CHECK(is_valid_utf8(""));
    CHECK(is_valid_utf8("plain ascii"));
    CHECK(is_valid_utf8("gr\xC3\xBC\xC3\x9F"));           // grüß
    CHECK(is_valid_utf8("\xE2\x82\xAC"));                 // €
    CHECK(is_valid_utf8("\xF0\x9F\x98\x80"));             // U+1F600
    CHECK_FALSE(is_valid_utf8("\xC3"));                   // truncated
    CHECK_FALSE(is_valid_utf8("\xC0\xAF"));               // overlong '/'
    CHECK_FALSE(is_valid_utf8("\xE0\x80\xAF"));           // overlong, 3 bytes
    CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));           // surrogate U+D800
    CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));       // above U+10FFFF
    CHECK_FALSE(is_valid_utf8("\xFF"));
    CHECK_FALSE(is_valid_utf8("a\x80z"));                 // lone continuation byte
}

TEST_CASE("base64_matches_rfc4648_vectors_and_round_trips", "[unit][web]") {
    CHECK(base64_encode("") == "");
    CHECK(base64_encode("f") == "Zg==");
    CHECK(base64_encode("fo") == "Zm8=");
    CHECK(base64_encode("foo") == "Zm9v");
    CHECK(base64_encode("foobar") == "Zm9vYmFy");
    CHECK(base64url_encode("\xFB\xFF") == "-_8");
    CHECK(base64_decode("Zm9vYmE=") == std::optional<std::string>{"fooba"});
    CHECK(base64_decode("Zm9vYmE") == std::optional<std::string>{"fooba"});
    CHECK_FALSE(base64_decode("Zm9v!"));
    CHECK_FALSE(base64_decode("Z"));
    std::string all;
    for (int i = 0; i < 256; ++i) {
        all += static_cast<char>(i);
    }
    CHECK(base64_decode(base64_encode(all)) == std::optional<std::string>{all});
}

TEST_CASE("percent_decoding_handles_escapes_and_refuses_broken_ones", "[unit][web]") {
    CHECK(percent_decode("a%2Fb") == std::optional<std::string>{"a/b"});
    CHECK(percent_decode("%2e%2E") == std::optional<std::string>{".."});
    CHECK(percent_decode("a+b") == std::optional<std::string>{"a+b"});
    CHECK(form_decode("a+b%21") == std::optional<std::string>{"a b!"});
    CHECK_FALSE(percent_decode("%"));
    CHECK_FALSE(percent_decode("%4"));
    CHECK_FALSE(percent_decode("%zz"));
}

TEST_CASE("request_target_splits_before_decoding", "[unit][web]") {
    const auto target = parse_request_target("/api/devices/a%2Fb/history?from=12&x=%20y&from=99");
    REQUIRE(target);
    CHECK(target->segments == std::vector<std::string>{"api", "devices", "a/b", "history"});
    CHECK(target->query.at("from") == "12");  // the first wins
    CHECK(target->query.at("x") == " y");
    CHECK(parse_request_target("/")->segments.empty());
    CHECK(parse_request_target("/assets/../../etc/passwd")->segments ==
          std::vector<std::string>{"assets", "..", "..", "etc", "passwd"});
    CHECK_FALSE(parse_request_target("api"));
    CHECK_FALSE(parse_request_target("/a%zz"));
    CHECK_FALSE(parse_request_target(""));
}

TEST_CASE("cookie_header_parsing", "[unit][web]") {
    const auto cookies = parse_cookie_header(" a=1;b = 2 ; willgate_session=\"abc\"; junk; =x; a=3");
    CHECK(cookies.at("a") == "1");
    CHECK(cookies.at("b") == "2");
    CHECK(cookies.at("willgate_session") == "abc");
    CHECK(cookies.size() == 3);
    CHECK(parse_cookie_header("").empty());
    CHECK(parse_cookie_header(";;;").empty());
    CHECK(parse_cookie_header("x=").at("x").empty());
}

TEST_CASE("session_cookie_is_httponly_samesite_strict_and_secure_over_tls", "[unit][web]") {
    const std::string plain = session_cookie("ID", false);
    CHECK(plain.starts_with("willgate_session=ID;"));
    CHECK(plain.find("HttpOnly") != std::string::npos);
    CHECK(plain.find("SameSite=Strict") != std::string::npos);
    CHECK(plain.find("Path=/") != std::string::npos);
    CHECK(plain.find("Secure") == std::string::npos);
    CHECK(session_cookie("ID", true).find("; Secure") != std::string::npos);
    CHECK(cleared_session_cookie(false).find("Max-Age=0") != std::string::npos);
}

namespace {
HttpRequest with_headers(HeaderList headers, bool secure = false) {
    HttpRequest request;
    request.method = "POST";
    request.target = "/logout";
    request.headers = std::move(headers);
    request.secure = secure;
    return request;
}
}  // namespace

TEST_CASE("same_origin_compares_origin_or_referer_with_host", "[unit][web]") {
    CHECK(same_origin(with_headers({{"Host", "127.0.0.1:8080"}, {"Origin", "http://127.0.0.1:8080"}})));
    CHECK(same_origin(with_headers({{"host", "GW.local"}, {"origin", "http://gw.local"}})));
    CHECK(same_origin(with_headers({{"Host", "gw:8443"}, {"Origin", "https://gw:8443"}}, true)));
    CHECK_FALSE(same_origin(with_headers({{"Host", "gw:8443"}, {"Origin", "http://gw:8443"}}, true)));
    CHECK_FALSE(same_origin(with_headers({{"Host", "127.0.0.1:8080"}, {"Origin", "http://evil.example"}})));
    CHECK_FALSE(same_origin(with_headers({{"Host", "127.0.0.1:8080"}, {"Origin", "null"}})));
    CHECK_FALSE(same_origin(with_headers({{"Host", "127.0.0.1:8080"}})));
    CHECK_FALSE(same_origin(with_headers({{"Origin", "http://127.0.0.1:8080"}})));
    CHECK(same_origin(with_headers({{"Host", "gw:80"}, {"Referer", "http://gw:80/index?x"}})));
    CHECK_FALSE(same_origin(with_headers({{"Host", "gw:80"}, {"Referer", "http://gw:8080/"}})));
    CHECK_FALSE(same_origin(with_headers({{"Host", "gw"}, {"Referer", "http://gw.evil.example/"}})));
    // Origin wins over Referer.
    CHECK_FALSE(same_origin(with_headers({{"Host", "gw"}, {"Origin", "http://evil"}, {"Referer", "http://gw/"}})));
}

TEST_CASE("loopback_host_accepts_only_this_machine", "[unit][web]") {
    CHECK(loopback_host(with_headers({{"Host", "127.0.0.1:8080"}})));
    CHECK(loopback_host(with_headers({{"Host", "localhost"}})));
    CHECK(loopback_host(with_headers({{"Host", "[::1]:8080"}})));
    CHECK(loopback_host(with_headers({{"Host", "127.1.2.3"}})));
    CHECK_FALSE(loopback_host(with_headers({{"Host", "evil.example:8080"}})));
    CHECK_FALSE(loopback_host(with_headers({{"Host", "127.0.0.1.evil.example"}})));
    CHECK_FALSE(loopback_host(with_headers({{"Host", "[::2]:80"}})));
    CHECK_FALSE(loopback_host(with_headers({})));
}

namespace {
wg::liveness::Transition at(std::int64_t ms, bool online) {
    wg::liveness::Transition t;
    t.at_ms = ms;
    t.online = online;
    return t;
}
}  // namespace

TEST_CASE("uptime_counts_online_time_within_the_window", "[unit][web]") {
    // Online from 0, offline at 600, online again at 900; window [100, 1000].
    const std::vector history{at(0, true), at(600, false), at(900, true)};
    CHECK(uptime_fraction(history, 100, 1000) == Approx((500.0 + 100.0) / 900.0));
    // Known only from 500 on: the time before is not counted.
    CHECK(uptime_fraction({at(500, true), at(750, false)}, 0, 1000) == Approx(0.5));
    CHECK(uptime_fraction({at(0, false)}, 100, 1000) == Approx(0.0));
    CHECK(uptime_fraction({at(0, true)}, 100, 1000) == Approx(1.0));
    CHECK_FALSE(uptime_fraction({}, 0, 1000));
    CHECK_FALSE(uptime_fraction({at(2000, true)}, 0, 1000));
}
