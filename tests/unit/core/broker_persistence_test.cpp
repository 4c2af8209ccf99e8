// What the broker writes to durable storage, and how it restores Wills and
// retained messages at start-up.
#include "tests/unit/core/broker_harness.h"

using namespace wg;
using namespace wg::test;
using namespace std::chrono_literals;
using codec::QoS;

namespace {

class RecordingPersistence final : public core::Persistence {
public:
    void will_held(const std::string& client_id, const codec::Will& will, std::chrono::seconds delay) override {
        ops.push_back("held " + client_id + " " + will.topic + " " + std::to_string(delay.count()));
    }
    void will_pending(const std::string& client_id, core::WallClock::time_point due) override {
        ops.push_back("pending " + client_id);
        last_due = due;
    }
    void will_removed(const std::string& client_id) override { ops.push_back("removed " + client_id); }
    void retained_set(const core::StoredRetained& retained) override {
        ops.push_back("retained " + retained.topic + " " + retained.payload);
    }
    void retained_cleared(const std::string& topic) override { ops.push_back("cleared " + topic); }
    std::uint64_t last_sequence() const override { return ops.size(); }
    bool healthy() const override { return is_healthy; }
    bool is_healthy = true;

    std::vector<std::string> ops;
    core::WallClock::time_point last_due{};
};

ConnectOptions with_will(codec::Will will, std::uint32_t delay = 0) {
    ConnectOptions options;
    options.version = codec::ProtocolVersion::Mqtt5;
    options.will = std::move(will);
    options.properties.session_expiry_interval = 600;
    if (delay != 0) options.will->properties.will_delay_interval = delay;
    return options;
}

}  // namespace

TEST_CASE("wills are stored while held and removed once published or discarded", "[unit][persistence]") {
    BrokerHarness h;
    RecordingPersistence store;
    h.broker.set_persistence(&store);
    auto clean = h.connect("clean", with_will(make_will("will/clean", "x")));
    clean->send(codec::Disconnect{});
    auto lost = h.connect("lost", with_will(make_will("will/lost", "x")));
    lost->drop();
    CHECK(store.ops == std::vector<std::string>{"held clean will/clean 0", "removed clean", "held lost will/lost 0",
                                                "removed lost"});
}

TEST_CASE("the CONNACK of a connection with a will waits for the will's commit", "[unit][persistence]") {
    BrokerHarness h;
    RecordingPersistence store;
    h.broker.set_persistence(&store);
    auto plain = h.connect("plain");
    CHECK_FALSE(plain->link().output_held());
    auto device = h.connect("dev", with_will(make_will("will/dev", "x")));
    CHECK(device->link().output_held());
    h.broker.on_persisted(store.last_sequence() - 1);
    CHECK(device->link().output_held());
    h.broker.on_persisted(store.last_sequence());
    CHECK_FALSE(device->link().output_held());
}

TEST_CASE("a delayed will is stored with its wall-clock deadline", "[unit][persistence]") {
    BrokerHarness h;
    RecordingPersistence store;
    h.broker.set_persistence(&store);
    auto device = h.connect("dev", with_will(make_will("will/dev", "x"), 30));
    h.clock.advance(5s);
    device->drop();
    REQUIRE(store.ops.back() == "pending dev");
    CHECK(store.last_due == h.clock.wall_now() + 30s);
    SECTION("reconnecting within the delay removes it") {
        ConnectOptions again = with_will(make_will("will/dev", "y"), 30);
        again.clean_session = false;
        auto back = h.connect("dev", again);
        CHECK(std::count(store.ops.begin(), store.ops.end(), "removed dev") == 1);
    }
}

TEST_CASE("retained messages are stored and cleared", "[unit][persistence]") {
    BrokerHarness h;
    RecordingPersistence store;
    h.broker.set_persistence(&store);
    auto publisher = h.connect("pub");
    publisher->send(codec::Publish{"r/1", "on", QoS::AtLeastOnce, true, false, 1, {}});
    publisher->send(codec::Publish{"r/1", "", QoS::AtMostOnce, true, false, 0, {}});
    publisher->send(codec::Publish{"r/2", "live", QoS::AtMostOnce, false, false, 0, {}});
    CHECK(store.ops == std::vector<std::string>{"retained r/1 on", "cleared r/1"});
}

TEST_CASE("restore publishes the wills of connections lost with the previous run", "[unit][persistence]") {
    BrokerHarness h;
    core::StoredState state;
    state.wills.push_back({"held", make_will("status/held", "offline", QoS::AtLeastOnce, true), 0s, std::nullopt});
    state.wills.push_back({"delayed", make_will("status/delayed", "offline", QoS::AtLeastOnce, true), 20s, std::nullopt});
    state.wills.push_back(
        {"pending", make_will("status/pending", "offline", QoS::AtLeastOnce, true), 60s, h.clock.wall_now() + 10s});
    CHECK(h.broker.restore(std::move(state)) == 1);
    auto late = h.connect("late");
    late->send(codec::Subscribe{1, {{"status/+", QoS::AtLeastOnce}}, {}});
    CHECK(late->publishes().size() == 1);  // the retained Will of "held"
    h.clock.advance(10s);
    h.broker.tick();
    CHECK(late->publishes().at(0).payload == "offline");  // "pending" kept its deadline
    h.clock.advance(10s);
    h.broker.tick();
    CHECK(late->publishes().size() == 1);  // "delayed" was held: released at restart, 20 s delay
    CHECK(h.broker.stats().wills_published == 3);
}

TEST_CASE("restore brings back retained messages and drops expired ones", "[unit][persistence]") {
    BrokerHarness h;
    RecordingPersistence store;
    h.broker.set_persistence(&store);
    core::StoredState state;
    state.retained.push_back({"r/kept", "v", QoS::AtLeastOnce, {}, std::nullopt});
    state.retained.push_back({"r/expiring", "w", QoS::AtMostOnce, {}, h.clock.wall_now() + 30s});
    state.retained.push_back({"r/expired", "x", QoS::AtMostOnce, {}, h.clock.wall_now() - 1s});
    h.broker.restore(std::move(state));
    CHECK(store.ops == std::vector<std::string>{"cleared r/expired"});
    CHECK(h.broker.stats().retained_messages == 2);
    auto late = h.connect("late");
    late->send(codec::Subscribe{1, {{"r/#", QoS::AtLeastOnce}}, {}});
    CHECK(late->publishes().size() == 2);
    h.clock.advance(31s);
    auto later = h.connect("later");
    later->send(codec::Subscribe{1, {{"r/#", QoS::AtLeastOnce}}, {}});
    CHECK(later->publishes().size() == 1);
}

TEST_CASE("the PUBACK of a retained QoS 1 message waits for its commit", "[unit][persistence]") {
    BrokerHarness h;
    RecordingPersistence store;
    h.broker.set_persistence(&store);
    auto publisher = h.connect("pub");
    publisher->send(codec::Publish{"live", "x", QoS::AtLeastOnce, false, false, 1, {}});
    CHECK_FALSE(publisher->link().output_held());
    publisher->send(codec::Publish{"kept", "x", QoS::AtLeastOnce, true, false, 2, {}});
    CHECK(publisher->link().output_held());
    h.broker.on_persisted(store.last_sequence());
    CHECK_FALSE(publisher->link().output_held());
}

TEST_CASE("a graceful stop publishes every will while the subscribers are still connected", "[unit][will]") {
    BrokerHarness h;
    auto devices = std::vector<std::unique_ptr<TestClient>>{};
    for (int i = 0; i < 5; ++i) devices.push_back(h.connect("d" + std::to_string(i), with_will(make_will("will/" + std::to_string(i), "x"))));
    auto watcher = h.connect("watcher");  // connected last: closed after the devices in any order
    h.subscribe(*watcher, "will/#", QoS::AtMostOnce);
    h.broker.shutdown();
    CHECK(watcher->publishes().size() == 5);
    for (const auto& event : h.events.disconnected)
        if (event.client_id != "watcher") CHECK(event.will_published);
}

TEST_CASE("while the store fails, what could only be acknowledged by storing it is refused", "[unit][persistence]") {
    BrokerHarness h;
    RecordingPersistence store;
    h.broker.set_persistence(&store);
    auto v5_publisher = h.connect("pub5", with_will(make_will("will/pub5", "x")));
    auto v3_publisher = h.connect("pub3");
    auto subscriber = h.connect("sub");
    h.subscribe(*subscriber, "r/#", QoS::AtLeastOnce);
    store.is_healthy = false;

    SECTION("a CONNECT with a Will gets 0x97 (MQTT 5) or 0x03 (3.1.1)") {
        auto refused5 = h.connect("dev5", with_will(make_will("will/dev5", "x")), codec::ReasonCode::QuotaExceeded);
        CHECK(refused5->closed());
        ConnectOptions v3;
        v3.will = make_will("will/dev3", "x");
        auto refused3 = h.connect("dev3", v3, codec::ReasonCode::ServerUnavailable);
        CHECK(refused3->closed());
        auto without_will = h.connect("plain");  // nothing to store: accepted
        CHECK_FALSE(without_will->closed());
    }
    SECTION("a retained QoS 1 message gets PUBACK 0x97 (MQTT 5) and is not routed") {
        v5_publisher->received();
        v5_publisher->send(codec::Publish{"r/1", "x", QoS::AtLeastOnce, true, false, 1, {}});
        auto packets = v5_publisher->received();
        REQUIRE(packets.size() == 1);
        CHECK(std::get<codec::Puback>(packets[0]).reason == codec::ReasonCode::QuotaExceeded);
        CHECK(subscriber->publishes().empty());
        CHECK(h.broker.stats().retained_messages == 0);
    }
    SECTION("a 3.1.1 publisher of a retained QoS 1 message is disconnected") {
        v3_publisher->send(codec::Publish{"r/1", "x", QoS::AtLeastOnce, true, false, 1, {}});
        CHECK(v3_publisher->closed());
        CHECK(subscriber->publishes().empty());
    }
    SECTION("live messages still flow") {
        v3_publisher->send(codec::Publish{"r/live", "x", QoS::AtLeastOnce, false, false, 1, {}});
        CHECK(subscriber->publishes().size() == 1);
    }
}

TEST_CASE("a failed commit withdraws the acknowledgements waiting for it", "[unit][persistence]") {
    BrokerHarness h;
    RecordingPersistence store;
    h.broker.set_persistence(&store);
    ConnectOptions v5;
    v5.version = codec::ProtocolVersion::Mqtt5;
    auto publisher = h.connect("pub", v5);
    auto bystander = h.connect("bystander");
    publisher->send(codec::Publish{"kept", "x", QoS::AtLeastOnce, true, false, 1, {}});
    REQUIRE(publisher->link().output_held());
    h.broker.on_persist_failed();
    CHECK(publisher->closed());
    auto packets = publisher->received();
    REQUIRE(packets.size() == 1);  // the held PUBACK is gone; only the DISCONNECT went out
    CHECK(std::get<codec::Disconnect>(packets[0]).reason == codec::ReasonCode::QuotaExceeded);
    CHECK(h.events.disconnected.back().cause == broker::DisconnectCause::StoreFailure);
    CHECK_FALSE(bystander->closed());
}
