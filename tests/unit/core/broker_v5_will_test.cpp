// MQTT 5 Will rules: Will Delay Interval, session end, DISCONNECT 0x04, and
// server-initiated DISCONNECT reason codes.
#include "tests/unit/core/broker_harness.h"

using namespace wg;
using namespace wg::test;
using namespace std::chrono_literals;
using codec::QoS;
using codec::ReasonCode;

namespace {

ConnectOptions v5(std::uint32_t session_expiry = 0, std::optional<codec::Will> will = std::nullopt,
                  std::uint32_t will_delay = 0, bool clean_start = true) {
    ConnectOptions options;
    options.version = codec::ProtocolVersion::Mqtt5;
    options.clean_session = clean_start;
    options.keep_alive = 0;
    if (session_expiry != 0) options.properties.session_expiry_interval = session_expiry;
    if (will) {
        options.will = std::move(will);
        if (will_delay != 0) options.will->properties.will_delay_interval = will_delay;
    }
    return options;
}

std::unique_ptr<TestClient> watcher(BrokerHarness& h) {
    auto client = h.connect("watcher", v5());
    h.subscribe(*client, "will/#", QoS::AtLeastOnce);
    return client;
}

}  // namespace

TEST_CASE("v5 will is published after the will delay interval", "[unit][will][v5]") {
    BrokerHarness h;
    auto w = watcher(h);
    auto device = h.connect("device", v5(60, make_will("will/device", "late"), 5));
    device->drop();
    CHECK(w->publishes().empty());
    CHECK(h.events.disconnected.back().will_delayed);
    CHECK_FALSE(h.events.disconnected.back().will_published);
    h.clock.advance(4999ms);
    h.broker.tick();
    CHECK(w->publishes().empty());
    h.clock.advance(1ms);
    h.broker.tick();
    auto got = w->publishes();
    REQUIRE(got.size() == 1);
    CHECK(got[0].payload == "late");
}

TEST_CASE("v5 will is not published when the client reconnects within the delay", "[unit][will][v5]") {
    BrokerHarness h;
    auto w = watcher(h);
    auto device = h.connect("device", v5(60, make_will("will/device", "x"), 10));
    device->drop();
    h.clock.advance(3s);
    auto again = h.connect("device", v5(60, std::nullopt, 0, false));
    CHECK(h.last_session_present);
    h.clock.advance(1h);
    h.broker.tick();
    CHECK(w->publishes().empty());
}

TEST_CASE("v5 will is published when the session ends before the delay", "[unit][will][v5]") {
    BrokerHarness h;
    auto w = watcher(h);
    SECTION("session expiry shorter than the will delay") {
        auto device = h.connect("device", v5(2, make_will("will/device", "x"), 30));
        device->drop();
        h.clock.advance(1999ms);
        h.broker.tick();
        CHECK(w->publishes().empty());
        h.clock.advance(1ms);
        h.broker.tick();
        CHECK(w->publishes().size() == 1);
    }
    SECTION("session expiry 0 ends the session with the connection") {
        auto device = h.connect("device", v5(0, make_will("will/device", "x"), 30));
        device->drop();
        CHECK(w->publishes().size() == 1);
    }
    SECTION("a clean start ends the old session") {
        auto device = h.connect("device", v5(60, make_will("will/device", "x"), 30));
        device->drop();
        CHECK(w->publishes().empty());
        auto fresh = h.connect("device", v5(60));
        CHECK(w->publishes().size() == 1);
    }
}

TEST_CASE("v5 DISCONNECT with reason 0x04 publishes the will", "[unit][will][v5]") {
    BrokerHarness h;
    auto w = watcher(h);
    auto device = h.connect("device", v5(0, make_will("will/device", "asked")));
    device->send(codec::Disconnect{ReasonCode::DisconnectWithWillMessage, {}});
    auto got = w->publishes();
    REQUIRE(got.size() == 1);
    CHECK(got[0].payload == "asked");
    CHECK(h.events.disconnected.back().cause == broker::DisconnectCause::ClientDisconnect);
    CHECK(h.events.disconnected.back().will_published);
}

TEST_CASE("v5 DISCONNECT with reason 0x00 deletes the will", "[unit][will][v5]") {
    BrokerHarness h;
    auto w = watcher(h);
    auto device = h.connect("device", v5(60, make_will("will/device", "x"), 5));
    device->send(codec::Disconnect{ReasonCode::Success, {}});
    h.clock.advance(1h);
    h.broker.tick();
    CHECK(w->publishes().empty());
}

TEST_CASE("v5 will properties travel with the will", "[unit][will][v5]") {
    BrokerHarness h;
    auto w = watcher(h);
    auto will = make_will("will/device", "{}", QoS::AtLeastOnce);
    will.properties.content_type = "application/json";
    will.properties.payload_format_indicator = 1;
    will.properties.response_topic = "reply/here";
    will.properties.correlation_data = std::string("\x01\x02", 2);
    will.properties.user_properties = {{"site", "north"}, {"site", "south"}};
    will.properties.message_expiry_interval = 100;
    auto device = h.connect("device", v5(0, will));
    device->drop();
    auto got = w->publishes();
    REQUIRE(got.size() == 1);
    const auto& p = got[0].properties;
    CHECK(p.content_type == "application/json");
    CHECK(p.payload_format_indicator == 1);
    CHECK(p.response_topic == "reply/here");
    CHECK(p.correlation_data == std::string("\x01\x02", 2));
    CHECK(p.user_properties == will.properties.user_properties);
    CHECK(p.message_expiry_interval == 100);
    CHECK_FALSE(p.will_delay_interval.has_value());
}

TEST_CASE("v5 takeover sends DISCONNECT 0x8E to the old client", "[unit][will][v5]") {
    BrokerHarness h;
    auto w = watcher(h);
    auto first = h.connect("device", v5(60, make_will("will/device", "x"), 10));
    auto second = h.connect("device", v5(60, std::nullopt, 0, false));
    auto disconnect = last_disconnect(*first);
    REQUIRE(disconnect.has_value());
    CHECK(disconnect->reason == ReasonCode::SessionTakenOver);
    CHECK(first->closed());
    // The new connection came before the delay elapsed: the will is not published.
    h.clock.advance(1h);
    h.broker.tick();
    CHECK(w->publishes().empty());
}

TEST_CASE("v5 keep alive expiry sends DISCONNECT 0x8D and publishes the will", "[unit][will][v5]") {
    BrokerHarness h;
    auto w = watcher(h);
    auto options = v5(0, make_will("will/device", "x"));
    options.keep_alive = 2;
    auto device = h.connect("device", options);
    h.clock.advance(3001ms);
    h.broker.tick();
    auto disconnect = last_disconnect(*device);
    REQUIRE(disconnect.has_value());
    CHECK(disconnect->reason == ReasonCode::KeepAliveTimeout);
    CHECK(w->publishes().size() == 1);
}

TEST_CASE("v5 graceful stop sends DISCONNECT 0x8B", "[unit][v5]") {
    BrokerHarness h;
    auto device = h.connect("device", v5());
    h.broker.shutdown();
    auto disconnect = last_disconnect(*device);
    REQUIRE(disconnect.has_value());
    CHECK(disconnect->reason == ReasonCode::ServerShuttingDown);
}

TEST_CASE("v5 protocol errors send DISCONNECT with the reason and publish the will", "[unit][will][v5]") {
    BrokerHarness h;
    auto w = watcher(h);
    auto device = h.connect("device", v5(0, make_will("will/device", "x")));
    const auto reason = GENERATE(ReasonCode::MalformedPacket, ReasonCode::ProtocolError, ReasonCode::PacketTooLarge,
                                 ReasonCode::TopicAliasInvalid, ReasonCode::PayloadFormatInvalid);
    device->send_bad_bytes({reason, "bad", std::nullopt});
    auto disconnect = last_disconnect(*device);
    REQUIRE(disconnect.has_value());
    CHECK(disconnect->reason == reason);
    CHECK(device->closed());
    CHECK(w->publishes().size() == 1);
}

TEST_CASE("v5 DISCONNECT may not raise session expiry from 0", "[unit][v5]") {
    BrokerHarness h;
    auto device = h.connect("device", v5(0));
    codec::Disconnect disconnect{ReasonCode::Success, {}};
    disconnect.properties.session_expiry_interval = 100;
    device->send(disconnect);
    auto reply = last_disconnect(*device);
    REQUIRE(reply.has_value());
    CHECK(reply->reason == ReasonCode::ProtocolError);
}

TEST_CASE("v5 session expiry discards the session after the interval", "[unit][session][v5]") {
    BrokerHarness h;
    auto device = h.connect("device", v5(10));
    h.subscribe(*device, "t", QoS::AtLeastOnce);
    device->send(codec::Disconnect{});
    h.clock.advance(9s);
    h.broker.tick();
    CHECK(h.broker.stats().sessions == 1);
    h.clock.advance(2s);
    h.broker.tick();
    CHECK(h.broker.stats().sessions == 0);
    auto again = h.connect("device", v5(10, std::nullopt, 0, false));
    CHECK_FALSE(h.last_session_present);
}

TEST_CASE("v5 a session whose expiry passed is not resumed, even before the expiry timer runs", "[unit][session][v5]") {
    BrokerHarness h;
    auto w = watcher(h);
    auto device = h.connect("device", v5(1, make_will("will/device", "x"), 30));
    device->drop();
    h.clock.advance(1001ms);  // no tick: the reconnect itself must notice
    auto again = h.connect("device", v5(60, std::nullopt, 0, false));
    CHECK_FALSE(h.last_session_present);
    CHECK(w->publishes().size() == 1);  // the session ended, so its Will went out
}

TEST_CASE("v5 DISCONNECT with an error reason does not delete the will", "[unit][will][v5]") {
    BrokerHarness h;
    auto w = watcher(h);
    auto device = h.connect("device", v5(0, make_will("will/device", "failing")));
    device->send(codec::Disconnect{ReasonCode::ImplementationSpecificError, {}});
    CHECK(w->publishes().size() == 1);
}
