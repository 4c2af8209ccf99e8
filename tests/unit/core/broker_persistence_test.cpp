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
    // Session operations go to their own list (Will and retained tests compare `ops` whole).
    void session_stored(const std::string& client_id, std::uint32_t expiry,
                        std::optional<core::WallClock::time_point> expires_at) override {
        session_ops.push_back("session " + client_id + " " + std::to_string(expiry) + (expires_at ? " offline" : ""));
    }
    void session_removed(const std::string& client_id) override { session_ops.push_back("session-removed " + client_id); }
    void subscription_stored(const std::string& client_id, const core::StoredSubscription& subscription) override {
        session_ops.push_back("sub " + client_id + " " + subscription.filter + " " +
                              std::to_string(static_cast<int>(subscription.options.qos)));
    }
    void subscription_removed(const std::string& client_id, const std::string& filter) override {
        session_ops.push_back("unsub " + client_id + " " + filter);
    }
    void delivery_stored(const std::string& client_id, const core::StoredDelivery& delivery) override {
        session_ops.push_back("delivery " + client_id + " " + std::to_string(delivery.outgoing.stored_id) + " " +
                              delivery.outgoing.message->payload + " pid " + std::to_string(delivery.packet_id));
        deliveries.push_back(delivery);
    }
    void delivery_updated(const std::string& client_id, std::uint64_t stored_id, std::uint16_t packet_id,
                          core::InflightState state) override {
        session_ops.push_back("update " + client_id + " " + std::to_string(stored_id) + " pid " +
                              std::to_string(packet_id) + " state " + std::to_string(static_cast<int>(state)));
    }
    void delivery_removed(const std::string& client_id, std::uint64_t stored_id) override {
        session_ops.push_back("delivery-removed " + client_id + " " + std::to_string(stored_id));
    }
    void qos2_received(const std::string& client_id, std::uint16_t packet_id) override {
        session_ops.push_back("qos2 " + client_id + " " + std::to_string(packet_id));
    }
    void qos2_released(const std::string& client_id, std::uint16_t packet_id) override {
        session_ops.push_back("qos2-released " + client_id + " " + std::to_string(packet_id));
    }
    std::uint64_t last_sequence() const override { return ops.size() + session_ops.size(); }
    bool healthy() const override { return is_healthy; }
    bool is_healthy = true;

    std::vector<std::string> ops;
    std::vector<std::string> session_ops;
    std::vector<core::StoredDelivery> deliveries;
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

TEST_CASE("a clean session writes nothing to the store", "[unit][persistence]") {
    BrokerHarness h;
    RecordingPersistence store;
    h.broker.set_persistence(&store);
    auto sub = h.connect("sub");
    h.subscribe(*sub, "t/#", QoS::AtLeastOnce);
    auto pub = h.connect("pub");
    pub->send(codec::Publish{"t/1", "x", QoS::AtLeastOnce, false, false, 1, {}});
    CHECK(sub->publishes().size() == 1);
    CHECK_FALSE(pub->link().output_held());
    sub->drop();
    CHECK(store.session_ops.empty());
}

TEST_CASE("a persistent session is stored with its subscriptions, and its deliveries as they move",
          "[unit][persistence]") {
    BrokerHarness h;
    RecordingPersistence store;
    h.broker.set_persistence(&store);
    auto sub = h.connect("sub", persistent());
    h.subscribe(*sub, "t/#", QoS::AtLeastOnce);
    CHECK(sub->link().output_held());  // the SUBACK waits for the subscription's commit
    h.broker.on_persisted(store.last_sequence());
    auto pub = h.connect("pub");

    pub->send(codec::Publish{"t/1", "online", QoS::AtLeastOnce, false, false, 1, {}});
    CHECK(pub->link().output_held());  // the PUBACK waits for the stored copy
    auto delivered = sub->publishes();
    REQUIRE(delivered.size() == 1);
    h.broker.on_persisted(store.last_sequence());
    CHECK_FALSE(pub->link().output_held());
    sub->send(codec::Puback{delivered[0].packet_id, codec::ReasonCode::Success, {}});

    sub->drop();
    pub->send(codec::Publish{"t/2", "offline", QoS::AtLeastOnce, false, false, 2, {}});
    CHECK(pub->link().output_held());
    pub->send(codec::Publish{"t/3", "qos0", QoS::AtMostOnce, false, false, 0, {}});  // not queued, not stored

    CHECK(store.session_ops ==
          std::vector<std::string>{"session sub 4294967295", "sub sub t/# 1", "delivery sub 1 online pid 1",
                                   "delivery-removed sub 1", "session sub 4294967295",
                                   "delivery sub 2 offline pid 0"});
    store.session_ops.clear();

    auto back = h.connect("sub", persistent());
    auto resent = back->publishes();
    REQUIRE(resent.size() == 1);
    CHECK(resent[0].payload == "offline");
    back->send(codec::Puback{resent[0].packet_id, codec::ReasonCode::Success, {}});
    CHECK(store.session_ops == std::vector<std::string>{"session sub 4294967295",
                                                        "update sub 2 pid " + std::to_string(resent[0].packet_id) +
                                                            " state 0",
                                                        "delivery-removed sub 2"});
}

TEST_CASE("QoS 2 state of a persistent session is stored in both directions", "[unit][persistence]") {
    BrokerHarness h;
    RecordingPersistence store;
    h.broker.set_persistence(&store);
    auto client = h.connect("c", persistent());
    h.subscribe(*client, "q/#", QoS::ExactlyOnce);
    store.session_ops.clear();
    client->send(codec::Publish{"q/1", "x", QoS::ExactlyOnce, false, false, 9, {}});
    CHECK(client->link().output_held());  // the PUBREC waits for the received id
    auto publish = client->publishes().at(0);
    client->send(codec::Pubrec{publish.packet_id, codec::ReasonCode::Success, {}});
    client->send(codec::Pubrel{9, codec::ReasonCode::Success, {}});
    client->send(codec::Pubcomp{publish.packet_id, codec::ReasonCode::Success, {}});
    const std::string pid = std::to_string(publish.packet_id);
    CHECK(store.session_ops == std::vector<std::string>{"delivery c 1 x pid " + pid, "qos2 c 9",
                                                        "update c 1 pid " + pid + " state 2", "qos2-released c 9",
                                                        "delivery-removed c 1"});
}

TEST_CASE("a session that ends with its connection is removed from the store", "[unit][persistence]") {
    BrokerHarness h;
    RecordingPersistence store;
    h.broker.set_persistence(&store);
    SECTION("MQTT 5 DISCONNECT sets the session expiry to 0") {
        ConnectOptions v5;
        v5.version = codec::ProtocolVersion::Mqtt5;
        v5.properties.session_expiry_interval = 60;
        auto client = h.connect("c", v5);
        codec::Disconnect disconnect{};
        disconnect.properties.session_expiry_interval = 0;
        client->send(disconnect);
        CHECK(store.session_ops == std::vector<std::string>{"session c 60", "session-removed c"});
    }
    SECTION("a clean session replaces it") {
        auto old = h.connect("c", persistent());
        old->send(codec::Disconnect{});
        auto clean = h.connect("c");
        CHECK(store.session_ops ==
              std::vector<std::string>{"session c 4294967295", "session c 4294967295", "session-removed c"});
    }
    SECTION("its expiry passes") {
        ConnectOptions v5;
        v5.version = codec::ProtocolVersion::Mqtt5;
        v5.properties.session_expiry_interval = 10;
        h.connect("c", v5)->drop();
        h.clock.advance(11s);
        h.broker.tick();
        CHECK(store.session_ops == std::vector<std::string>{"session c 10", "session c 10 offline", "session-removed c"});
        CHECK(h.broker.stats().sessions == 0);
    }
}

TEST_CASE("restore brings back a persistent session with its subscriptions, in-flight and queued messages",
          "[unit][persistence]") {
    BrokerHarness h;
    RecordingPersistence store;
    h.broker.set_persistence(&store);
    core::StoredState state;
    core::StoredSession session;
    session.client_id = "dev";
    session.expiry_interval = core::kSessionNeverExpires;
    session.subscriptions.push_back({"cmd/#", core::SubscriptionOptions{QoS::AtLeastOnce, false, false, 0}});
    auto message = [](std::string payload) { return core::make_message("cmd/x", std::move(payload), QoS::AtLeastOnce, false); };
    session.deliveries.push_back({core::OutgoingMessage{message("first"), QoS::AtLeastOnce, false, {}, {}, 4},
                                  std::nullopt, 7, core::InflightState::AwaitPuback});
    session.deliveries.push_back({core::OutgoingMessage{message("second"), QoS::AtLeastOnce, false, {}, {}, 5},
                                  std::nullopt, 0, core::InflightState::AwaitPuback});
    session.incoming_qos2.push_back(3);
    state.sessions.push_back(std::move(session));
    h.broker.restore(std::move(state));
    CHECK(h.broker.stats().sessions == 1);

    ConnectOptions v5 = persistent();
    v5.version = codec::ProtocolVersion::Mqtt5;
    v5.properties.session_expiry_interval = core::kSessionNeverExpires;
    auto dev = h.connect("dev", v5);
    CHECK(h.last_session_present);
    auto resent = dev->publishes();
    REQUIRE(resent.size() == 2);
    CHECK(resent[0].payload == "first");
    CHECK(resent[0].packet_id == 7);
    CHECK(resent[0].dup);
    CHECK(resent[1].payload == "second");
    CHECK_FALSE(resent[1].dup);

    // The QoS 2 id received before the restart is known: PUBCOMP success, not 0x92.
    dev->send(codec::Pubrel{3, codec::ReasonCode::Success, {}});
    auto packets = dev->received();
    REQUIRE(packets.size() == 1);
    CHECK(std::get<codec::Pubcomp>(packets[0]).reason == codec::ReasonCode::Success);

    // The subscription is live again, and new deliveries get the next stored ids.
    store.session_ops.clear();
    auto pub = h.connect("pub");
    pub->send(codec::Publish{"cmd/y", "third", QoS::AtLeastOnce, false, false, 1, {}});
    REQUIRE(dev->publishes().size() == 1);
    REQUIRE_FALSE(store.session_ops.empty());
    CHECK(store.session_ops.front().rfind("delivery dev 6 third", 0) == 0);
}

TEST_CASE("a restored session that was online when the gateway stopped expires from the restart",
          "[unit][persistence]") {
    BrokerHarness h;
    RecordingPersistence store;
    h.broker.set_persistence(&store);
    core::StoredState state;
    core::StoredSession online;
    online.client_id = "online";
    online.expiry_interval = 30;
    core::StoredSession offline;
    offline.client_id = "offline";
    offline.expiry_interval = 30;
    offline.expires_at = h.clock.wall_now() + 5s;
    state.sessions.push_back(std::move(online));
    state.sessions.push_back(std::move(offline));
    h.broker.restore(std::move(state));
    CHECK(store.session_ops == std::vector<std::string>{"session online 30 offline"});
    h.clock.advance(6s);
    h.broker.tick();
    CHECK(h.broker.stats().sessions == 1);  // "offline" kept its deadline
    h.clock.advance(25s);
    h.broker.tick();
    CHECK(h.broker.stats().sessions == 0);
}
