// The message tap (willgate/message_tap.h): what the broker offers to it, and
// how a durable copy holds the publisher's acknowledgement until its commit.
#include "tests/unit/core/broker_harness.h"

using namespace wg;
using namespace wg::test;
using codec::QoS;

namespace {

// Counts queued operations like the store's sequence numbers; stores nothing.
class SequencePersistence final : public core::Persistence {
public:
    void will_held(const std::string&, const codec::Will&, std::chrono::seconds) override { ++sequence; }
    void will_pending(const std::string&, core::WallClock::time_point) override { ++sequence; }
    void will_removed(const std::string&) override { ++sequence; }
    void retained_set(const core::StoredRetained&) override { ++sequence; }
    void retained_cleared(const std::string&) override { ++sequence; }
    void session_stored(const std::string&, std::uint32_t, std::optional<core::WallClock::time_point>) override {
        ++sequence;
    }
    void session_removed(const std::string&) override { ++sequence; }
    void subscription_stored(const std::string&, const core::StoredSubscription&) override { ++sequence; }
    void subscription_removed(const std::string&, const std::string&) override { ++sequence; }
    void delivery_stored(const std::string&, const core::StoredDelivery&) override { ++sequence; }
    void delivery_updated(const std::string&, std::uint64_t, std::uint16_t, core::InflightState) override { ++sequence; }
    void delivery_removed(const std::string&, std::uint64_t) override { ++sequence; }
    void qos2_received(const std::string&, std::uint16_t) override { ++sequence; }
    void qos2_released(const std::string&, std::uint16_t) override { ++sequence; }
    std::uint64_t last_sequence() const override { return sequence; }
    bool healthy() const override { return is_healthy; }
    std::uint64_t sequence = 0;
    bool is_healthy = true;
};

// Keeps (queues a write for) messages under "up/".
class RecordingTap final : public broker::MessageTap {
public:
    explicit RecordingTap(SequencePersistence& store) : store_{store} {}
    bool offer(const broker::TappedMessage& message) override {
        offered.push_back(message.topic + (message.will ? " will" : ""));
        if (!message.topic.starts_with("up/")) return false;
        ++store_.sequence;  // the outbox row goes through the same queue
        return true;
    }
    std::vector<std::string> offered;

private:
    SequencePersistence& store_;
};

}  // namespace

TEST_CASE("the PUBACK of a QoS 1 message the tap keeps waits for its commit", "[unit][tap]") {
    BrokerHarness h;
    SequencePersistence store;
    RecordingTap tap{store};
    h.broker.set_persistence(&store);
    h.broker.add_message_tap(tap);
    auto device = h.connect("dev");
    device->send(codec::Publish{"local/1", "x", QoS::AtLeastOnce, false, false, 1, {}});
    CHECK_FALSE(device->link().output_held());
    device->send(codec::Publish{"up/1", "x", QoS::AtLeastOnce, false, false, 2, {}});
    CHECK(device->link().output_held());
    h.broker.on_persisted(store.last_sequence() - 1);
    CHECK(device->link().output_held());
    h.broker.on_persisted(store.last_sequence());
    CHECK_FALSE(device->link().output_held());
    CHECK(tap.offered == std::vector<std::string>{"local/1", "up/1"});
}

TEST_CASE("a QoS 0 message the tap keeps is not waited for", "[unit][tap]") {
    BrokerHarness h;
    SequencePersistence store;
    RecordingTap tap{store};
    h.broker.set_persistence(&store);
    h.broker.add_message_tap(tap);
    auto device = h.connect("dev");
    device->send(codec::Publish{"up/telemetry", "x", QoS::AtMostOnce, false, false, 0, {}});
    CHECK_FALSE(device->link().output_held());
    CHECK(tap.offered == std::vector<std::string>{"up/telemetry"});
}

TEST_CASE("published wills are offered to the tap", "[unit][tap]") {
    BrokerHarness h;
    SequencePersistence store;
    RecordingTap tap{store};
    h.broker.add_message_tap(tap);
    ConnectOptions options;
    options.will = make_will("up/will/dev", "gone");
    auto device = h.connect("dev", options);
    device->drop();
    CHECK(tap.offered == std::vector<std::string>{"up/will/dev will"});
}

TEST_CASE("while the store fails a QoS 1 message the tap keeps is refused (MQTT 5: 0x97)", "[unit][tap]") {
    BrokerHarness h;
    SequencePersistence store;
    RecordingTap tap{store};
    h.broker.set_persistence(&store);
    h.broker.add_message_tap(tap);
    ConnectOptions options;
    options.version = codec::ProtocolVersion::Mqtt5;
    auto device = h.connect("dev", options);
    store.is_healthy = false;
    device->send(codec::Publish{"up/1", "x", QoS::AtLeastOnce, false, false, 7, {}});
    bool refused = false;
    for (const auto& packet : device->received())
        if (const auto* puback = std::get_if<codec::Puback>(&packet))
            refused = puback->packet_id == 7 && puback->reason == codec::ReasonCode::QuotaExceeded;
    CHECK(refused);
}
