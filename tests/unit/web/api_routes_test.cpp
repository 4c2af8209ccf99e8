#include <catch2/catch.hpp>

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "common/manual_clock.h"
#include "fake_ports.h"
#include "web/api_routes.h"

using namespace wg::web;
using wg::web::test::FakeLiveness;
using wg::web::test::FakeStatus;

namespace {

constexpr std::int64_t kHour = 3600 * 1000;

Poco::JSON::Object::Ptr parse(const HttpResponse& response) {
    Poco::JSON::Parser parser;
    return parser.parse(response.body).extract<Poco::JSON::Object::Ptr>();
}

struct Fixture {
    wg::ManualClock clock;
    FakeLiveness liveness;
    FakeStatus status;
    ApiContext api{liveness, status, clock};
    std::int64_t now() const { return wall_ms(clock); }
};

}  // namespace

TEST_CASE("device_list_has_every_device_counts_and_the_sequence", "[unit][web]") {
    Fixture f;
    f.liveness.put(test::device("b", false));
    f.liveness.put(test::device("a", true));
    f.liveness.add_transition({0, "a", 5, true, "", "", "", false});
    const HttpResponse response = list_devices(f.api);
    CHECK(response.status == 200);
    CHECK(response.content_type == "application/json");
    const auto json = parse(response);
    CHECK(json->getValue<int>("sequence") == 1);
    CHECK(json->getValue<int>("online") == 1);
    CHECK(json->getValue<int>("offline") == 1);
    const auto devices = json->getArray("devices");
    REQUIRE(devices->size() == 2);
    CHECK(devices->getObject(0)->getValue<std::string>("client_id") == "a");
    CHECK(devices->getObject(0)->getValue<std::string>("state") == "online");
    CHECK(devices->getObject(1)->getValue<std::string>("state") == "offline");
}

TEST_CASE("a_device_id_that_is_html_stays_text_in_json", "[unit][web]") {
    Fixture f;
    const std::string id = "<img src=x onerror=alert(1)>";
    f.liveness.put(test::device(id, true));
    const HttpResponse response = get_device(f.api, id);
    CHECK(response.status == 200);
    CHECK(response.body.find('<') == std::string::npos);
    CHECK(parse(response)->getValue<std::string>("client_id") == id);
}

TEST_CASE("device_details_carry_will_counters_and_payload_encoding", "[unit][web]") {
    Fixture f;
    auto text = test::device("text", false);
    text.protocol_version = 5;
    text.will = wg::liveness::HeldWill{"will/text", 1, true, 30, 12};
    text.last_will = wg::liveness::PublishedWill{"will/text", "gone \xE2\x9C\x9D", 77};
    text.messages_received = 4;
    text.last_cause = "keep-alive-timeout";
    f.liveness.put(text);
    auto binary = test::device("binary", false);
    binary.last_will = wg::liveness::PublishedWill{"will/bin", std::string{"\x00\xFF\x01", 3}, 78};
    f.liveness.put(binary);

    const auto t = parse(get_device(f.api, "text"));
    CHECK(t->getValue<std::string>("protocol") == "5.0");
    CHECK(t->getValue<std::string>("last_cause") == "keep-alive-timeout");
    CHECK(t->getObject("will")->getValue<std::string>("topic") == "will/text");
    CHECK(t->getObject("will")->getValue<int>("delay_seconds") == 30);
    CHECK(t->getObject("last_will")->getValue<std::string>("payload") == "gone \xE2\x9C\x9D");
    CHECK(t->getObject("last_will")->getValue<std::string>("payload_encoding") == "utf-8");
    CHECK(t->getObject("counters")->getValue<int>("messages_received") == 4);

    const auto b = parse(get_device(f.api, "binary"));
    CHECK(b->getObject("last_will")->getValue<std::string>("payload") == "AP8B");
    CHECK(b->getObject("last_will")->getValue<std::string>("payload_encoding") == "base64");
    CHECK(b->isNull("will"));
}

TEST_CASE("unknown_device_is_404", "[unit][web]") {
    Fixture f;
    CHECK(get_device(f.api, "nobody").status == 404);
    CHECK(device_history(f.api, "nobody", {}).status == 404);
    CHECK(forget_device(f.api, "nobody").status == 404);
}

TEST_CASE("history_has_transitions_and_uptime_fractions", "[unit][web]") {
    Fixture f;
    f.clock.advance(std::chrono::hours{24 * 30});
    const std::int64_t now = f.now();
    f.liveness.put(test::device("d", true));
    // Online 48 h ago, offline 12 h ago, online again 6 h ago.
    f.liveness.add_transition({0, "d", now - 48 * kHour, true, "", "", "", false});
    f.liveness.add_transition({0, "d", now - 12 * kHour, false, "io-error", "", "", true});
    f.liveness.add_transition({0, "d", now - 6 * kHour, true, "", "", "", false});

    const auto all = parse(device_history(f.api, "d", {}));
    CHECK(all->getValue<double>("uptime_24h") == Approx(18.0 / 24.0));
    CHECK(all->getValue<double>("uptime_7d") == Approx(42.0 / 48.0));  // known only for 48 h
    CHECK(all->getArray("transitions")->size() == 3);
    CHECK(all->getArray("transitions")->getObject(1)->getValue<std::string>("cause") == "io-error");

    const auto recent = parse(device_history(f.api, "d", {{"from", std::to_string(now - 8 * kHour)}}));
    // The one before the window first, then the one inside it.
    CHECK(recent->getArray("transitions")->size() == 2);
    CHECK(recent->getValue<double>("uptime_24h") == Approx(18.0 / 24.0));

    CHECK(device_history(f.api, "d", {{"from", "yesterday"}}).status == 400);
    CHECK(device_history(f.api, "d", {{"from", "-5"}}).status == 400);
    CHECK(device_history(f.api, "d", {{"from", ""}}).status == 400);
}

TEST_CASE("history_without_transitions_has_null_uptime", "[unit][web]") {
    Fixture f;
    f.liveness.put(test::device("quiet", false));
    const auto json = parse(device_history(f.api, "quiet", {}));
    CHECK(json->isNull("uptime_24h"));
    CHECK(json->isNull("uptime_7d"));
}

TEST_CASE("forget_refuses_online_devices_and_drops_offline_ones", "[unit][web]") {
    Fixture f;
    f.liveness.put(test::device("on", true));
    f.liveness.put(test::device("off", false));
    CHECK(forget_device(f.api, "on").status == 409);
    CHECK(f.liveness.device("on"));
    CHECK(forget_device(f.api, "off").status == 200);
    CHECK_FALSE(f.liveness.device("off"));
    CHECK(forget_device(f.api, "off").status == 404);
}

TEST_CASE("forget_tells_the_live_streams_with_the_sequence_before_it", "[unit][web]") {
    Fixture f;
    ForgottenDevices forgotten;
    f.api.forgotten = &forgotten;
    f.liveness.put(test::device("on", true));
    f.liveness.put(test::device("off", false));
    f.liveness.add_transition({0, "off", 7, false, "", "", "", false});
    CHECK(forget_device(f.api, "on").status == 409);
    CHECK(forgotten.last_id() == 0);
    CHECK(forget_device(f.api, "off").status == 200);
    const auto entries = forgotten.after(0);
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].client_id == "off");
    CHECK(entries[0].sequence == 1);
}

TEST_CASE("broker_status_and_metrics_read_the_status_source", "[unit][web]") {
    Fixture f;
    f.status.value.version = "9.9";
    f.status.value.clients_connected = 7;
    f.status.value.started_ms = f.now() - 5000;
    f.status.value.listeners = {{"127.0.0.1:1883", 7, 10}};
    f.liveness.put(test::device("x", true));
    const auto json = parse(broker_status(f.api));
    CHECK(json->getValue<std::string>("version") == "9.9");
    CHECK(json->getValue<int>("clients_connected") == 7);
    CHECK(json->getValue<int>("uptime_seconds") == 5);
    CHECK(json->getArray("listeners")->getObject(0)->getValue<std::string>("address") == "127.0.0.1:1883");

    const HttpResponse text = metrics(f.api);
    CHECK(text.content_type.starts_with("text/plain; version=0.0.4"));
    CHECK(text.body.find("willgate_clients_connected 7\n") != std::string::npos);
    CHECK(text.body.find("willgate_devices{state=\"online\"} 1\n") != std::string::npos);
    CHECK(healthz().status == 200);
}
