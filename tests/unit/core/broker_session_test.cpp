// CONNECT rules, persistent sessions, takeover and queues in the broker core.
#include "tests/unit/core/broker_harness.h"

using namespace wg;
using namespace wg::test;
using codec::QoS;
using codec::ReasonCode;

TEST_CASE("empty client id with clean session 1 gets an assigned id", "[unit][session]") {
    BrokerHarness h;
    auto a = h.connect("");
    auto b = h.connect("");
    CHECK_FALSE(a->closed());
    CHECK_FALSE(b->closed());
    REQUIRE(h.events.connected.size() == 2);
    CHECK_FALSE(h.events.connected[0].client_id.empty());
    CHECK(h.events.connected[0].client_id != h.events.connected[1].client_id);
}

TEST_CASE("empty client id with clean session 0 is refused with 0x02", "[unit][session]") {
    BrokerHarness h;
    auto client = h.connect("", persistent(), ReasonCode::ClientIdentifierNotValid);
    CHECK(client->closed());
    CHECK(h.events.connected.empty());
}

TEST_CASE("first packet other than CONNECT closes the connection", "[unit][session]") {
    BrokerHarness h;
    TestClient client(h.broker, "127.0.0.1:1", codec::ProtocolVersion::Mqtt311);
    client.send(codec::Publish{"a", "b", QoS::AtMostOnce, false, false, 0});
    CHECK(client.closed());
    CHECK(client.received().empty());
    CHECK(h.events.disconnected.empty());  // no session existed
}

TEST_CASE("unsupported protocol version is answered with CONNACK 0x01", "[unit][session]") {
    BrokerHarness h;
    TestClient client(h.broker, "127.0.0.1:1", codec::ProtocolVersion::Mqtt311);
    client.send_bad_bytes({ReasonCode::UnsupportedProtocolVersion, "protocol level 9"});
    CHECK(client.closed());
    auto packets = client.received();
    REQUIRE(packets.size() == 1);
    REQUIRE(std::holds_alternative<codec::Connack>(packets[0]));
    CHECK(std::get<codec::Connack>(packets[0]).reason == ReasonCode::UnsupportedProtocolVersion);
}

TEST_CASE("a socket that never sends CONNECT is closed at the connect deadline", "[unit][keepalive]") {
    core::BrokerSettings settings;
    settings.connect_timeout = std::chrono::seconds(5);
    BrokerHarness h(settings);
    TestClient silent(h.broker, "127.0.0.1:1", codec::ProtocolVersion::Mqtt311);
    h.clock.advance(std::chrono::milliseconds(4'900));
    h.broker.tick();
    CHECK_FALSE(silent.closed());
    h.clock.advance(std::chrono::milliseconds(200));
    h.broker.tick();
    CHECK(silent.closed());
}

TEST_CASE("keep alive 0 never expires", "[unit][keepalive]") {
    BrokerHarness h;
    auto client = h.connect("idle", ConnectOptions{true, 0, std::nullopt});
    h.clock.advance(std::chrono::hours(24 * 30));
    h.broker.tick();
    CHECK_FALSE(client->closed());
}

TEST_CASE("persistent session keeps subscriptions and queues QoS 1 and 2 while offline", "[unit][session]") {
    BrokerHarness h;
    auto subscriber = h.connect("sub", persistent());
    CHECK_FALSE(h.last_session_present);
    h.subscribe(*subscriber, "t/#", QoS::ExactlyOnce);
    subscriber->send(codec::Disconnect{});

    auto publisher = h.connect("pub");
    publisher->send(codec::Publish{"t/0", "q0", QoS::AtMostOnce, false, false, 0});
    publisher->send(codec::Publish{"t/1", "q1", QoS::AtLeastOnce, false, false, 1});
    publisher->send(codec::Publish{"t/2", "q2", QoS::ExactlyOnce, false, false, 2});

    auto back = h.connect("sub", persistent());
    CHECK(h.last_session_present);
    auto got = back->publishes();
    REQUIRE(got.size() == 2);  // QoS 0 is not queued for offline sessions
    CHECK(got[0].payload == "q1");
    CHECK(got[0].qos == QoS::AtLeastOnce);
    CHECK(got[1].payload == "q2");
    CHECK(got[1].qos == QoS::ExactlyOnce);
}

TEST_CASE("clean session 1 discards the previous session", "[unit][session]") {
    BrokerHarness h;
    auto subscriber = h.connect("sub", persistent());
    h.subscribe(*subscriber, "t", QoS::AtLeastOnce);
    subscriber->send(codec::Disconnect{});
    auto clean = h.connect("sub");
    CHECK_FALSE(h.last_session_present);
    auto publisher = h.connect("pub");
    publisher->send(codec::Publish{"t", "x", QoS::AtLeastOnce, false, false, 1});
    CHECK(clean->publishes().empty());
    CHECK(h.broker.stats().subscriptions == 0);
}

TEST_CASE("unacknowledged messages are re-sent with DUP on reconnect", "[unit][session][qos]") {
    BrokerHarness h;
    auto subscriber = h.connect("sub", persistent());
    h.subscribe(*subscriber, "t", QoS::ExactlyOnce);
    auto publisher = h.connect("pub");
    publisher->send(codec::Publish{"t", "one", QoS::AtLeastOnce, false, false, 1});
    publisher->send(codec::Publish{"t", "two", QoS::ExactlyOnce, false, false, 2});
    auto first = subscriber->publishes();
    REQUIRE(first.size() == 2);
    CHECK_FALSE(first[0].dup);
    subscriber->send(codec::Pubrec{first[1].packet_id});  // QoS 2 half done: PUBREL is due
    subscriber->received();
    subscriber->drop();

    auto back = h.connect("sub", persistent());
    auto packets = back->received();
    REQUIRE(packets.size() == 2);
    auto* again = std::get_if<codec::Publish>(&packets[0]);
    REQUIRE(again != nullptr);
    CHECK(again->dup);
    CHECK(again->packet_id == first[0].packet_id);
    CHECK(again->payload == "one");
    auto* pubrel = std::get_if<codec::Pubrel>(&packets[1]);
    REQUIRE(pubrel != nullptr);
    CHECK(pubrel->packet_id == first[1].packet_id);
}

TEST_CASE("queued messages beyond max_queued_messages are dropped and counted", "[unit][session][limits]") {
    core::BrokerSettings settings;
    settings.max_inflight_messages = 2;
    settings.max_queued_messages = 3;
    BrokerHarness h(settings);
    auto subscriber = h.connect("sub", persistent());
    h.subscribe(*subscriber, "t", QoS::AtLeastOnce);
    subscriber->send(codec::Disconnect{});
    auto publisher = h.connect("pub");
    for (std::uint16_t i = 1; i <= 10; ++i)
        publisher->send(codec::Publish{"t", std::to_string(i), QoS::AtLeastOnce, false, false, i});
    CHECK(h.broker.stats().messages_dropped == 7);

    auto back = h.connect("sub", persistent());
    auto got = back->publishes();
    REQUIRE(got.size() == 2);  // the in-flight window
    CHECK(got[0].payload == "1");
    back->send(codec::Puback{got[0].packet_id});
    back->send(codec::Puback{got[1].packet_id});
    got = back->publishes();
    REQUIRE(got.size() == 1);
    CHECK(got[0].payload == "3");
}

TEST_CASE("in-flight window holds further QoS 1 messages until acknowledged", "[unit][qos][limits]") {
    core::BrokerSettings settings;
    settings.max_inflight_messages = 3;
    BrokerHarness h(settings);
    auto subscriber = h.connect("sub");
    h.subscribe(*subscriber, "t", QoS::AtLeastOnce);
    auto publisher = h.connect("pub");
    for (std::uint16_t i = 1; i <= 5; ++i)
        publisher->send(codec::Publish{"t", std::to_string(i), QoS::AtLeastOnce, false, false, i});
    auto got = subscriber->publishes();
    REQUIRE(got.size() == 3);
    subscriber->send(codec::Puback{got[0].packet_id});
    got = subscriber->publishes();
    REQUIRE(got.size() == 1);
    CHECK(got[0].payload == "4");
}

TEST_CASE("QoS 0 to a client with a full output buffer is dropped, others still get it", "[unit][limits]") {
    core::BrokerSettings settings;
    settings.max_output_buffer = 1000;
    BrokerHarness h(settings);
    auto slow = h.connect("slow");
    auto fast = h.connect("fast");
    h.subscribe(*slow, "t", QoS::AtMostOnce);
    h.subscribe(*fast, "t", QoS::AtMostOnce);
    slow->link().set_pending_output(5000);
    auto publisher = h.connect("pub");
    publisher->send(codec::Publish{"t", "x", QoS::AtMostOnce, false, false, 0});
    CHECK(slow->publishes().empty());
    CHECK(fast->publishes().size() == 1);
    CHECK(h.broker.stats().messages_dropped == 1);
}

TEST_CASE("takeover keeps a persistent session for the new connection", "[unit][session]") {
    BrokerHarness h;
    auto first = h.connect("dev", persistent());
    h.subscribe(*first, "cmd", QoS::AtLeastOnce);
    auto second = h.connect("dev", persistent());
    CHECK(first->closed());
    CHECK(h.last_session_present);
    auto publisher = h.connect("pub");
    publisher->send(codec::Publish{"cmd", "go", QoS::AtLeastOnce, false, false, 1});
    CHECK(second->publishes().size() == 1);
}

TEST_CASE("packets a server sends are a protocol error from a client", "[unit][session]") {
    BrokerHarness h;
    auto client = h.connect("c");
    client->send(codec::Connack{});
    CHECK(client->closed());
    CHECK(h.events.disconnected.back().cause == broker::DisconnectCause::ProtocolError);
}
