// MQTT 5 features of the broker core: CONNACK capabilities, flow control,
// topic aliases, message expiry, subscription options, shared subscriptions,
// mixed protocol versions.
#include "tests/unit/core/broker_harness.h"

using namespace wg;
using namespace wg::test;
using namespace std::chrono_literals;
using codec::QoS;
using codec::ReasonCode;

namespace {

ConnectOptions v5(codec::Properties properties = {}) {
    ConnectOptions options;
    options.version = codec::ProtocolVersion::Mqtt5;
    options.properties = std::move(properties);
    return options;
}

codec::Publish publish(std::string topic, std::string payload, QoS qos = QoS::AtMostOnce, std::uint16_t id = 0,
                       codec::Properties properties = {}) {
    return codec::Publish{std::move(topic), std::move(payload), qos, false, false, id, std::move(properties)};
}

void subscribe(TestClient& client, codec::TopicSubscription subscription, std::uint32_t identifier = 0,
               std::uint16_t packet_id = 1) {
    codec::Subscribe subscribe{packet_id, {std::move(subscription)}, {}};
    if (identifier != 0) subscribe.properties.subscription_identifiers = {identifier};
    client.send(subscribe);
}

}  // namespace

TEST_CASE("v5 CONNACK announces the broker's capabilities", "[unit][v5]") {
    core::BrokerSettings settings;
    settings.max_inflight_messages = 32;
    settings.max_packet_size = 4096;
    settings.max_topic_alias = 7;
    BrokerHarness h(settings);
    auto client = h.connect("c", v5());
    const auto& p = h.last_connack.properties;
    CHECK(p.receive_maximum == 32);
    CHECK(p.maximum_packet_size == 4096);
    CHECK(p.topic_alias_maximum == 7);
    CHECK(p.retain_available == 1);
    CHECK(p.wildcard_subscription_available == 1);
    CHECK(p.shared_subscription_available == 1);
    CHECK(p.subscription_identifier_available == 1);
    CHECK_FALSE(p.maximum_qos.has_value());  // QoS 2 supported
    CHECK_FALSE(p.assigned_client_identifier.has_value());
}

TEST_CASE("v5 empty client id gets an assigned client identifier", "[unit][v5]") {
    BrokerHarness h;
    auto options = v5();
    options.clean_session = false;
    auto client = h.connect("", options);
    REQUIRE(h.last_connack.properties.assigned_client_identifier.has_value());
    CHECK(*h.last_connack.properties.assigned_client_identifier == h.events.connected.back().client_id);
}

TEST_CASE("v5 server keep alive caps the client's keep alive", "[unit][v5][keepalive]") {
    core::BrokerSettings settings;
    settings.max_keep_alive = 30;
    BrokerHarness h(settings);
    auto options = v5();
    options.keep_alive = 600;
    auto client = h.connect("c", options);
    CHECK(h.last_connack.properties.server_keep_alive == 30);
    h.clock.advance(45001ms);
    h.broker.tick();
    CHECK(client->closed());
}

TEST_CASE("v5 enhanced authentication is refused with 0x8C", "[unit][v5]") {
    BrokerHarness h;
    codec::Properties properties;
    properties.authentication_method = "SCRAM-SHA-1";
    auto client = h.connect("c", v5(properties), ReasonCode::BadAuthenticationMethod);
    CHECK(client->closed());
}

TEST_CASE("v5 receive maximum of the client limits unacknowledged sends", "[unit][v5][qos]") {
    BrokerHarness h;
    codec::Properties properties;
    properties.receive_maximum = 2;
    auto subscriber = h.connect("sub", v5(properties));
    h.subscribe(*subscriber, "t", QoS::AtLeastOnce);
    auto publisher = h.connect("pub");
    for (std::uint16_t i = 1; i <= 5; ++i) publisher->send(publish("t", std::to_string(i), QoS::AtLeastOnce, i));
    auto got = subscriber->publishes();
    REQUIRE(got.size() == 2);
    subscriber->send(codec::Puback{got[0].packet_id, ReasonCode::Success, {}});
    CHECK(subscriber->publishes().size() == 1);
}

TEST_CASE("v5 client sending more QoS 2 than the receive maximum is disconnected with 0x93", "[unit][v5][qos]") {
    core::BrokerSettings settings;
    settings.max_inflight_messages = 3;
    BrokerHarness h(settings);
    auto client = h.connect("c", v5());
    for (std::uint16_t i = 1; i <= 3; ++i) client->send(publish("t", "x", QoS::ExactlyOnce, i));
    CHECK_FALSE(client->closed());
    client->send(publish("t", "x", QoS::ExactlyOnce, 4));
    auto disconnect = last_disconnect(*client);
    REQUIRE(disconnect.has_value());
    CHECK(disconnect->reason == ReasonCode::ReceiveMaximumExceeded);
}

TEST_CASE("v5 message larger than the client's maximum packet size is not sent to it", "[unit][v5]") {
    BrokerHarness h;
    codec::Properties small;
    small.maximum_packet_size = 64;
    auto tiny = h.connect("tiny", v5(small));
    h.subscribe(*tiny, "t", QoS::AtLeastOnce);
    auto publisher = h.connect("pub");
    publisher->send(publish("t", std::string(100, 'x'), QoS::AtLeastOnce, 1));
    publisher->send(publish("t", "small", QoS::AtLeastOnce, 2));
    auto got = tiny->publishes();
    REQUIRE(got.size() == 1);
    CHECK(got[0].payload == "small");
}

TEST_CASE("v5 topic aliases from the client are resolved", "[unit][v5][alias]") {
    BrokerHarness h;
    auto subscriber = h.connect("sub");
    h.subscribe(*subscriber, "long/topic/name", QoS::AtMostOnce);
    auto client = h.connect("c", v5());
    codec::Properties with_alias;
    with_alias.topic_alias = 3;
    client->send(publish("long/topic/name", "one", QoS::AtMostOnce, 0, with_alias));
    client->send(publish("", "two", QoS::AtMostOnce, 0, with_alias));
    auto got = subscriber->publishes();
    REQUIRE(got.size() == 2);
    CHECK(got[1].topic == "long/topic/name");
    CHECK(got[1].payload == "two");
}

TEST_CASE("v5 invalid topic aliases close the connection", "[unit][v5][alias]") {
    core::BrokerSettings settings;
    settings.max_topic_alias = 5;
    BrokerHarness h(settings);
    auto client = h.connect("c", v5());
    codec::Properties alias;
    SECTION("above the maximum: 0x94") {
        alias.topic_alias = 6;
        client->send(publish("t", "x", QoS::AtMostOnce, 0, alias));
        CHECK(last_disconnect(*client)->reason == ReasonCode::TopicAliasInvalid);
    }
    SECTION("used before it was set: 0x82") {
        alias.topic_alias = 2;
        client->send(publish("", "x", QoS::AtMostOnce, 0, alias));
        CHECK(last_disconnect(*client)->reason == ReasonCode::ProtocolError);
    }
    CHECK(client->closed());
}

TEST_CASE("v5 broker uses topic aliases towards a client that allows them", "[unit][v5][alias]") {
    BrokerHarness h;
    codec::Properties allow;
    allow.topic_alias_maximum = 1;
    auto subscriber = h.connect("sub", v5(allow));
    h.subscribe(*subscriber, "#", QoS::AtMostOnce);
    auto publisher = h.connect("pub");
    publisher->send(publish("a/b", "1"));
    publisher->send(publish("a/b", "2"));
    publisher->send(publish("c/d", "3"));  // no alias left: full topic
    auto got = subscriber->publishes();
    REQUIRE(got.size() == 3);
    CHECK(got[0].topic == "a/b");
    CHECK(got[0].properties.topic_alias == 1);
    CHECK(got[1].topic.empty());
    CHECK(got[1].properties.topic_alias == 1);
    CHECK(got[2].topic == "c/d");
    CHECK_FALSE(got[2].properties.topic_alias.has_value());
}

TEST_CASE("v5 expired messages are not delivered and the remaining interval is forwarded", "[unit][v5][expiry]") {
    BrokerHarness h;
    auto options = v5();
    options.clean_session = false;
    options.properties.session_expiry_interval = 3600;
    auto subscriber = h.connect("sub", options);
    h.subscribe(*subscriber, "t/#", QoS::AtLeastOnce);
    subscriber->send(codec::Disconnect{});
    auto publisher = h.connect("pub", v5());
    codec::Properties short_lived;
    short_lived.message_expiry_interval = 5;
    codec::Properties long_lived;
    long_lived.message_expiry_interval = 100;
    publisher->send(publish("t/short", "s", QoS::AtLeastOnce, 1, short_lived));
    publisher->send(publish("t/long", "l", QoS::AtLeastOnce, 2, long_lived));
    h.clock.advance(10s);
    options.properties = {};
    auto back = h.connect("sub", options);
    auto got = back->publishes();
    REQUIRE(got.size() == 1);
    CHECK(got[0].payload == "l");
    CHECK(got[0].properties.message_expiry_interval == 90);
}

TEST_CASE("v5 subscription identifiers are delivered for every matching subscription", "[unit][v5]") {
    BrokerHarness h;
    auto subscriber = h.connect("sub", v5());
    subscribe(*subscriber, {"a/+", QoS::AtMostOnce}, 7, 1);
    subscribe(*subscriber, {"a/#", QoS::AtMostOnce}, 9, 2);
    subscriber->received();
    auto publisher = h.connect("pub");
    publisher->send(publish("a/b", "x"));
    auto got = subscriber->publishes();
    REQUIRE(got.size() == 1);
    auto ids = got[0].properties.subscription_identifiers;
    std::sort(ids.begin(), ids.end());
    CHECK(ids == std::vector<std::uint32_t>{7, 9});
}

TEST_CASE("v5 no local keeps a client's own messages from it", "[unit][v5]") {
    BrokerHarness h;
    auto client = h.connect("c", v5());
    subscribe(*client, {"t", QoS::AtMostOnce, true});
    client->received();
    client->send(publish("t", "mine"));
    CHECK(client->publishes().empty());
    auto other = h.connect("other");
    other->send(publish("t", "theirs"));
    CHECK(client->publishes().size() == 1);
}

TEST_CASE("v5 retain as published keeps the retain flag on live messages", "[unit][v5][retain]") {
    BrokerHarness h;
    auto keeps = h.connect("keeps", v5());
    subscribe(*keeps, {"t", QoS::AtMostOnce, false, true});
    auto plain = h.connect("plain", v5());
    subscribe(*plain, {"t", QoS::AtMostOnce});
    keeps->received();
    plain->received();
    auto publisher = h.connect("pub");
    publisher->send(codec::Publish{"t", "r", QoS::AtMostOnce, true, false, 0, {}});
    CHECK(keeps->publishes().at(0).retain);
    CHECK_FALSE(plain->publishes().at(0).retain);
}

TEST_CASE("v5 retain handling 0, 1 and 2", "[unit][v5][retain]") {
    BrokerHarness h;
    auto publisher = h.connect("pub");
    publisher->send(codec::Publish{"r", "kept", QoS::AtMostOnce, true, false, 0, {}});
    auto client = h.connect("c", v5());
    auto retained_after = [&](std::uint8_t handling, std::uint16_t id) {
        subscribe(*client, {"r", QoS::AtMostOnce, false, false, handling}, 0, id);
        return client->publishes().size();
    };
    CHECK(retained_after(2, 1) == 0);  // never
    CHECK(retained_after(1, 2) == 0);  // only for a new subscription: this one existed
    CHECK(retained_after(0, 3) == 1);  // always
    client->send(codec::Unsubscribe{4, {"r"}, {}});
    client->received();
    CHECK(retained_after(1, 5) == 1);  // new again
}

TEST_CASE("v5 SUBACK refuses an invalid filter per filter and UNSUBACK reports missing ones", "[unit][v5]") {
    BrokerHarness h;
    auto client = h.connect("c", v5());
    client->send(codec::Subscribe{1, {{"a/#/b", QoS::AtMostOnce}, {"ok", QoS::AtLeastOnce}, {"$share//x", QoS::AtMostOnce}}, {}});
    auto packets = client->received();
    REQUIRE(packets.size() == 1);
    const auto& suback = std::get<codec::Suback>(packets[0]);
    CHECK(suback.reasons ==
          std::vector<ReasonCode>{ReasonCode::TopicFilterInvalid, ReasonCode::GrantedQoS1, ReasonCode::TopicFilterInvalid});
    CHECK_FALSE(client->closed());
    client->send(codec::Unsubscribe{2, {"ok", "never"}, {}});
    packets = client->received();
    const auto& unsuback = std::get<codec::Unsuback>(packets.at(0));
    CHECK(unsuback.reasons == std::vector<ReasonCode>{ReasonCode::Success, ReasonCode::NoSubscriptionExisted});
}

TEST_CASE("v5 PUBACK says no matching subscribers", "[unit][v5]") {
    BrokerHarness h;
    auto client = h.connect("c", v5());
    client->send(publish("nobody/listens", "x", QoS::AtLeastOnce, 1));
    auto packets = client->received();
    CHECK(std::get<codec::Puback>(packets.at(0)).reason == ReasonCode::NoMatchingSubscribers);
}

TEST_CASE("shared subscription gives each message to one member, round robin", "[unit][v5][shared]") {
    BrokerHarness h;
    auto a = h.connect("a", v5());
    auto b = h.connect("b");
    h.subscribe(*a, "$share/workers/jobs/+", QoS::AtLeastOnce);
    h.subscribe(*b, "$share/workers/jobs/+", QoS::AtLeastOnce);
    auto publisher = h.connect("pub");
    for (std::uint16_t i = 1; i <= 6; ++i) publisher->send(publish("jobs/x", std::to_string(i), QoS::AtLeastOnce, i));
    const auto got_a = a->publishes().size();
    const auto got_b = b->publishes().size();
    CHECK(got_a + got_b == 6);
    CHECK(got_a == 3);
    CHECK(got_b == 3);
}

TEST_CASE("shared subscription redistributes unacknowledged messages when a member leaves", "[unit][v5][shared]") {
    BrokerHarness h;
    auto a = h.connect("a", v5());
    auto b = h.connect("b", v5());
    h.subscribe(*a, "$share/g/t", QoS::AtLeastOnce);
    h.subscribe(*b, "$share/g/t", QoS::AtLeastOnce);
    auto publisher = h.connect("pub");
    publisher->send(publish("t", "1", QoS::AtLeastOnce, 1));
    publisher->send(publish("t", "2", QoS::AtLeastOnce, 2));
    auto to_a = a->publishes();
    auto to_b = b->publishes();
    REQUIRE(to_a.size() == 1);
    REQUIRE(to_b.size() == 1);
    a->drop();  // never acknowledged its message
    auto handed_over = b->publishes();
    REQUIRE(handed_over.size() == 1);
    CHECK(handed_over[0].payload == to_a[0].payload);
}

TEST_CASE("mixed versions: properties reach v5 subscribers and are dropped for 3.1.1", "[unit][v5]") {
    BrokerHarness h;
    auto old_sub = h.connect("old");
    auto new_sub = h.connect("new", v5());
    h.subscribe(*old_sub, "t", QoS::AtLeastOnce);
    h.subscribe(*new_sub, "t", QoS::AtLeastOnce);
    auto v5_pub = h.connect("v5pub", v5());
    codec::Properties properties;
    properties.content_type = "text/plain";
    properties.user_properties = {{"k", "v"}};
    v5_pub->send(publish("t", "from v5", QoS::AtLeastOnce, 1, properties));
    auto old_got = old_sub->publishes();
    auto new_got = new_sub->publishes();
    REQUIRE(old_got.size() == 1);
    REQUIRE(new_got.size() == 1);
    CHECK(old_got[0].properties == codec::Properties{});
    CHECK(new_got[0].properties.content_type == "text/plain");
    CHECK(new_got[0].properties.user_properties == properties.user_properties);

    auto v3_pub = h.connect("v3pub");
    v3_pub->send(publish("t", "from 3.1.1", QoS::AtLeastOnce, 1));
    CHECK(new_sub->publishes().at(0).payload == "from 3.1.1");
}
