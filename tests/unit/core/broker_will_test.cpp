// The Will rules of MQTT-WILLS.md that apply to 3.1/3.1.1, driven through the
// broker core with a manual clock.
#include "tests/unit/core/broker_harness.h"

using namespace wg;
using namespace wg::test;
using codec::QoS;

namespace {

ConnectOptions with_will(codec::Will will, std::uint16_t keep_alive = 60) {
    ConnectOptions options;
    options.will = std::move(will);
    options.keep_alive = keep_alive;
    return options;
}

}  // namespace

TEST_CASE("will is published when the peer closes the socket", "[unit][will]") {
    BrokerHarness h;
    auto watcher = h.connect("watcher");
    h.subscribe(*watcher, "will/#", QoS::AtMostOnce);
    auto device = h.connect("device", with_will(make_will("will/device", "gone")));
    device->drop(broker::DisconnectCause::PeerClosed);

    auto got = watcher->publishes();
    REQUIRE(got.size() == 1);
    CHECK(got[0].topic == "will/device");
    CHECK(got[0].payload == "gone");
    CHECK_FALSE(got[0].retain);
    REQUIRE(h.events.disconnected.size() == 1);
    CHECK(h.events.disconnected[0].cause == broker::DisconnectCause::PeerClosed);
    CHECK(h.events.disconnected[0].will_published);
}

TEST_CASE("will is published after an I/O error", "[unit][will]") {
    BrokerHarness h;
    auto watcher = h.connect("watcher");
    h.subscribe(*watcher, "will/#", QoS::AtMostOnce);
    auto device = h.connect("device", with_will(make_will("will/device", "io")));
    device->drop(broker::DisconnectCause::IoError);
    CHECK(watcher->publishes().size() == 1);
    CHECK(h.events.disconnected.back().cause == broker::DisconnectCause::IoError);
}

TEST_CASE("will is never published after DISCONNECT and is deleted", "[unit][will]") {
    BrokerHarness h;
    auto watcher = h.connect("watcher");
    h.subscribe(*watcher, "will/#", QoS::AtMostOnce);
    auto device = h.connect("device", with_will(make_will("will/device", "gone")));
    device->send(codec::Disconnect{});
    CHECK(device->closed());
    CHECK(watcher->publishes().empty());
    CHECK_FALSE(h.events.disconnected.back().will_published);
    CHECK(h.events.disconnected.back().cause == broker::DisconnectCause::ClientDisconnect);
    // Nothing is left that a later timer could publish.
    h.clock.advance(std::chrono::hours(1));
    h.broker.tick();
    CHECK(watcher->publishes().empty());
}

TEST_CASE("will is published when keep alive expires after 1.5 x keep alive", "[unit][will][keepalive]") {
    BrokerHarness h;
    auto watcher = h.connect("watcher", ConnectOptions{true, 0, std::nullopt});
    h.subscribe(*watcher, "will/#", QoS::AtMostOnce);
    auto device = h.connect("device", with_will(make_will("will/device", "silent"), 10));

    h.clock.advance(std::chrono::milliseconds(14'999));
    h.broker.tick();
    CHECK_FALSE(device->closed());
    device->send(codec::Pingreq{});  // activity restarts the 15 s window
    h.broker.tick();                 // the broker's next tick accounts for it
    h.clock.advance(std::chrono::milliseconds(14'000));
    h.broker.tick();
    CHECK_FALSE(device->closed());
    h.clock.advance(std::chrono::milliseconds(1'001));
    h.broker.tick();
    CHECK(device->closed());
    CHECK(watcher->publishes().size() == 1);
    CHECK(h.events.disconnected.back().cause == broker::DisconnectCause::KeepAliveTimeout);
}

TEST_CASE("will is published after a protocol error", "[unit][will]") {
    BrokerHarness h;
    auto watcher = h.connect("watcher");
    h.subscribe(*watcher, "will/#", QoS::AtMostOnce);

    SECTION("malformed bytes") {
        auto device = h.connect("device", with_will(make_will("will/device", "bad")));
        device->send_bad_bytes({codec::ReasonCode::MalformedPacket, "remaining length over 4 bytes"});
        CHECK(device->closed());
    }
    SECTION("second CONNECT") {
        auto device = h.connect("device", with_will(make_will("will/device", "bad")));
        device->send(codec::Connect{});
        CHECK(device->closed());
    }
    SECTION("invalid subscription filter") {
        auto device = h.connect("device", with_will(make_will("will/device", "bad")));
        device->send(codec::Subscribe{7, {{"a/#/b", QoS::AtMostOnce}}});
        CHECK(device->closed());
    }
    CHECK(watcher->publishes().size() == 1);
    CHECK(h.events.disconnected.back().cause == broker::DisconnectCause::ProtocolError);
    CHECK_FALSE(h.events.disconnected.back().reason.empty());
}

TEST_CASE("will of the old connection is published on session takeover", "[unit][will]") {
    BrokerHarness h;
    auto watcher = h.connect("watcher");
    h.subscribe(*watcher, "will/#", QoS::AtMostOnce);
    auto first = h.connect("device", with_will(make_will("will/device", "first")));
    auto second = h.connect("device", with_will(make_will("will/device", "second")));

    CHECK(first->closed());
    CHECK_FALSE(second->closed());
    auto got = watcher->publishes();
    REQUIRE(got.size() == 1);
    CHECK(got[0].payload == "first");
    CHECK(h.events.disconnected.back().cause == broker::DisconnectCause::SessionTakenOver);

    // The new connection's Will is held, and published once when it dies.
    second->drop();
    got = watcher->publishes();
    REQUIRE(got.size() == 1);
    CHECK(got[0].payload == "second");
}

TEST_CASE("will is delivered at the lower of will QoS and granted QoS", "[unit][will][qos]") {
    const auto will_qos = GENERATE(QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce);
    const auto sub_qos = GENERATE(QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce);
    BrokerHarness h;
    auto watcher = h.connect("watcher");
    h.subscribe(*watcher, "will/+", sub_qos);
    auto device = h.connect("device", with_will(make_will("will/device", "x", will_qos)));
    device->drop();
    auto got = watcher->publishes();
    REQUIRE(got.size() == 1);
    CHECK(got[0].qos == core::min_qos(will_qos, sub_qos));
    CHECK((got[0].packet_id != 0) == (got[0].qos != QoS::AtMostOnce));
}

TEST_CASE("retained will replaces the retained message and reaches later subscribers", "[unit][will][retain]") {
    BrokerHarness h;
    auto publisher = h.connect("publisher");
    publisher->send(codec::Publish{"status/device", "online", QoS::AtLeastOnce, true, false, 1});
    auto device = h.connect("device", with_will(make_will("status/device", "offline", QoS::AtLeastOnce, true)));
    device->drop();

    auto late = h.connect("late");
    late->send(codec::Subscribe{1, {{"status/#", QoS::AtLeastOnce}}});
    auto got = late->publishes();
    REQUIRE(got.size() == 1);
    CHECK(got[0].payload == "offline");
    CHECK(got[0].retain);
}

TEST_CASE("zero-byte retained will clears the retained message", "[unit][will][retain]") {
    BrokerHarness h;
    auto publisher = h.connect("publisher");
    publisher->send(codec::Publish{"status/device", "online", QoS::AtMostOnce, true, false, 0});
    auto device = h.connect("device", with_will(make_will("status/device", "", QoS::AtMostOnce, true)));
    device->drop();
    auto late = h.connect("late");
    late->send(codec::Subscribe{1, {{"status/#", QoS::AtMostOnce}}});
    CHECK(late->publishes().empty());
}

TEST_CASE("zero-byte will payload is delivered as zero bytes", "[unit][will]") {
    BrokerHarness h;
    auto watcher = h.connect("watcher");
    h.subscribe(*watcher, "will/#", QoS::AtMostOnce);
    auto device = h.connect("device", with_will(make_will("will/device", "")));
    device->drop();
    auto got = watcher->publishes();
    REQUIRE(got.size() == 1);
    CHECK(got[0].payload.empty());
}

TEST_CASE("will is published at most once", "[unit][will]") {
    BrokerHarness h;
    auto watcher = h.connect("watcher", ConnectOptions{true, 0, std::nullopt});
    h.subscribe(*watcher, "will/#", QoS::AtMostOnce);
    auto device = h.connect("device", with_will(make_will("will/device", "once"), 1));
    device->drop();
    h.clock.advance(std::chrono::seconds(10));
    h.broker.tick();
    h.broker.shutdown();
    CHECK(watcher->publishes().size() == 1);
    CHECK(h.broker.stats().wills_published == 1);
}

TEST_CASE("server shutdown publishes the wills of the connections it closes", "[unit][will]") {
    BrokerHarness h;
    auto device = h.connect("device", with_will(make_will("will/device", "stopping", QoS::AtLeastOnce, true)));
    h.broker.shutdown();
    CHECK(device->closed());
    CHECK(h.events.disconnected.back().cause == broker::DisconnectCause::ServerShutdown);
    CHECK(h.events.disconnected.back().will_published);
}

TEST_CASE("connected event carries a summary of the will", "[unit][will][events]") {
    BrokerHarness h;
    auto device = h.connect("device", with_will(make_will("will/device", "12345", QoS::ExactlyOnce, true), 30));
    REQUIRE(h.events.connected.size() == 1);
    const auto& event = h.events.connected[0];
    CHECK(event.client_id == "device");
    CHECK(event.keep_alive == 30);
    CHECK(event.protocol_version == 4);
    REQUIRE(event.will.has_value());
    CHECK(event.will->topic == "will/device");
    CHECK(event.will->qos == 2);
    CHECK(event.will->retain);
    CHECK(event.will->payload_size == 5);
}

TEST_CASE("wills are queued for a watcher even beyond max_queued_messages", "[unit][will][limits]") {
    core::BrokerSettings settings;
    settings.max_inflight_messages = 2;
    settings.max_queued_messages = 5;
    BrokerHarness h(settings);
    auto watcher = h.connect("watcher");
    h.subscribe(*watcher, "will/#", QoS::AtLeastOnce);
    std::vector<std::unique_ptr<TestClient>> devices;
    for (int i = 0; i < 20; ++i)
        devices.push_back(h.connect("d" + std::to_string(i), with_will(make_will("will/" + std::to_string(i), "x", QoS::AtLeastOnce))));
    for (auto& device : devices) device->drop();
    CHECK(h.broker.stats().messages_dropped == 0);
    std::size_t received = 0;
    for (int round = 0; round < 20; ++round) {
        for (const auto& publish : watcher->publishes()) {
            ++received;
            watcher->send(codec::Puback{publish.packet_id, {}, {}});
        }
    }
    CHECK(received == 20);
}

TEST_CASE("disconnects and published Wills are counted by cause", "[unit][will][stats]") {
    BrokerHarness h;
    auto closed = h.connect("closed", with_will(make_will("will/closed", "x")));
    auto clean = h.connect("clean", with_will(make_will("will/clean", "x")));
    auto timed_out = h.connect("timed-out", with_will(make_will("will/timed-out", "x"), 10));
    closed->drop(broker::DisconnectCause::PeerClosed);
    clean->send(codec::Disconnect{});
    h.clock.advance(std::chrono::seconds(16));
    h.broker.tick();
    const auto stats = h.broker.stats();
    CHECK(stats.disconnects_by_cause.at("peer-closed") == 1);
    CHECK(stats.disconnects_by_cause.at("disconnect") == 1);
    CHECK(stats.disconnects_by_cause.at("keep-alive-timeout") == 1);
    CHECK(stats.wills_by_cause.at("peer-closed") == 1);
    CHECK(stats.wills_by_cause.at("keep-alive-timeout") == 1);
    CHECK(stats.wills_by_cause.count("disconnect") == 0);
    CHECK(stats.wills_published == 2);
}
