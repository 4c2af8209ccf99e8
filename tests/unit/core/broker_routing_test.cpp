// Routing and the QoS flows in the broker core.
#include "tests/unit/core/broker_harness.h"

using namespace wg;
using namespace wg::test;
using codec::QoS;

TEST_CASE("QoS 1 publish is acknowledged with PUBACK", "[unit][qos]") {
    BrokerHarness h;
    auto publisher = h.connect("pub");
    publisher->send(codec::Publish{"t", "x", QoS::AtLeastOnce, false, false, 42});
    auto packets = publisher->received();
    REQUIRE(packets.size() == 1);
    CHECK(std::get<codec::Puback>(packets[0]).packet_id == 42);
}

TEST_CASE("QoS 2 publish is delivered once even when the client re-sends it", "[unit][qos]") {
    BrokerHarness h;
    auto subscriber = h.connect("sub");
    h.subscribe(*subscriber, "t", QoS::ExactlyOnce);
    auto publisher = h.connect("pub");
    publisher->send(codec::Publish{"t", "x", QoS::ExactlyOnce, false, false, 9});
    publisher->send(codec::Publish{"t", "x", QoS::ExactlyOnce, false, true, 9});  // DUP before PUBREL
    auto acks = publisher->received();
    REQUIRE(acks.size() == 2);
    CHECK(std::get<codec::Pubrec>(acks[0]).packet_id == 9);
    CHECK(std::get<codec::Pubrec>(acks[1]).packet_id == 9);
    publisher->send(codec::Pubrel{9});
    auto done = publisher->received();
    REQUIRE(done.size() == 1);
    CHECK(std::get<codec::Pubcomp>(done[0]).packet_id == 9);
    CHECK(subscriber->publishes().size() == 1);
}

TEST_CASE("QoS 2 delivery to a subscriber runs PUBLISH PUBREC PUBREL PUBCOMP", "[unit][qos]") {
    BrokerHarness h;
    auto subscriber = h.connect("sub");
    h.subscribe(*subscriber, "t", QoS::ExactlyOnce);
    auto publisher = h.connect("pub");
    publisher->send(codec::Publish{"t", "x", QoS::ExactlyOnce, false, false, 1});
    auto got = subscriber->publishes();
    REQUIRE(got.size() == 1);
    subscriber->send(codec::Pubrec{got[0].packet_id});
    auto packets = subscriber->received();
    REQUIRE(packets.size() == 1);
    CHECK(std::get<codec::Pubrel>(packets[0]).packet_id == got[0].packet_id);
    subscriber->send(codec::Pubcomp{got[0].packet_id});
    CHECK(subscriber->received().empty());
}

TEST_CASE("overlapping subscriptions deliver one copy at the highest QoS", "[unit][routing]") {
    BrokerHarness h;
    auto subscriber = h.connect("sub");
    h.subscribe(*subscriber, "a/#", QoS::AtMostOnce, 1);
    h.subscribe(*subscriber, "a/+", QoS::ExactlyOnce, 2);
    h.subscribe(*subscriber, "a/b", QoS::AtLeastOnce, 3);
    auto publisher = h.connect("pub");
    publisher->send(codec::Publish{"a/b", "x", QoS::ExactlyOnce, false, false, 1});
    auto got = subscriber->publishes();
    REQUIRE(got.size() == 1);
    CHECK(got[0].qos == QoS::ExactlyOnce);
}

TEST_CASE("leading wildcards do not match $ topics", "[unit][routing]") {
    BrokerHarness h;
    auto all = h.connect("all");
    h.subscribe(*all, "#", QoS::AtMostOnce);
    auto sys = h.connect("sys");
    h.subscribe(*sys, "$SYS/#", QoS::AtMostOnce);
    auto publisher = h.connect("pub");
    publisher->send(codec::Publish{"$SYS/x", "x", QoS::AtMostOnce, false, false, 0});
    CHECK(all->publishes().empty());
    CHECK(sys->publishes().size() == 1);
}

TEST_CASE("unsubscribe stops delivery", "[unit][routing]") {
    BrokerHarness h;
    auto subscriber = h.connect("sub");
    h.subscribe(*subscriber, "t/+", QoS::AtMostOnce);
    subscriber->send(codec::Unsubscribe{2, {"t/+"}});
    auto packets = subscriber->received();
    REQUIRE(packets.size() == 1);
    CHECK(std::get<codec::Unsuback>(packets[0]).packet_id == 2);
    auto publisher = h.connect("pub");
    publisher->send(codec::Publish{"t/1", "x", QoS::AtMostOnce, false, false, 0});
    CHECK(subscriber->publishes().empty());
}

TEST_CASE("retained messages are set, replaced, cleared and sent with the retain flag", "[unit][retain]") {
    BrokerHarness h;
    auto existing = h.connect("existing");
    h.subscribe(*existing, "r/#", QoS::AtLeastOnce);
    auto publisher = h.connect("pub");
    publisher->send(codec::Publish{"r/1", "first", QoS::AtLeastOnce, true, false, 1});
    publisher->send(codec::Publish{"r/1", "second", QoS::AtLeastOnce, true, false, 2});
    publisher->send(codec::Publish{"r/2", "other", QoS::AtMostOnce, true, false, 0});

    // An established subscription gets live messages with RETAIN 0 (MQTT-3.3.1-9).
    for (const auto& publish : existing->publishes()) CHECK_FALSE(publish.retain);

    auto late = h.connect("late");
    late->send(codec::Subscribe{1, {{"r/+", QoS::AtLeastOnce}}});
    auto packets = late->received();
    REQUIRE(packets.size() == 3);
    CHECK(std::holds_alternative<codec::Suback>(packets[0]));  // SUBACK first
    std::vector<std::string> payloads;
    for (std::size_t i = 1; i < packets.size(); ++i) {
        const auto& publish = std::get<codec::Publish>(packets[i]);
        CHECK(publish.retain);
        payloads.push_back(publish.payload);
        if (publish.payload == "other") CHECK(publish.qos == QoS::AtMostOnce);
    }
    std::sort(payloads.begin(), payloads.end());
    CHECK(payloads == std::vector<std::string>{"other", "second"});

    publisher->send(codec::Publish{"r/1", "", QoS::AtMostOnce, true, false, 0});
    CHECK(h.broker.stats().retained_messages == 1);
}

TEST_CASE("PINGREQ is answered with PINGRESP", "[unit][session]") {
    BrokerHarness h;
    auto client = h.connect("c");
    client->send(codec::Pingreq{});
    auto packets = client->received();
    REQUIRE(packets.size() == 1);
    CHECK(std::holds_alternative<codec::Pingresp>(packets[0]));
}

TEST_CASE("MQTT 3.1 clients publish and subscribe", "[unit][routing]") {
    BrokerHarness h;
    ConnectOptions v31;
    v31.version = codec::ProtocolVersion::Mqtt31;
    auto subscriber = h.connect("sub31", v31);
    h.subscribe(*subscriber, "t", QoS::AtLeastOnce);
    auto publisher = h.connect("pub311");
    publisher->send(codec::Publish{"t", "x", QoS::AtLeastOnce, false, false, 1});
    CHECK(subscriber->publishes().size() == 1);
    CHECK(h.events.connected[0].protocol_version == 3);
}
