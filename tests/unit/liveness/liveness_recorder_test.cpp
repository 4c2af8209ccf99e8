// The liveness recorder driven by the real broker core: every way a
// connection ends becomes an offline record with its cause, and every Will
// that goes out is recorded for its device, with the wall-clock time.
#include <variant>

#include "local_broker/liveness/liveness_recorder.h"
#include "tests/unit/core/broker_harness.h"

using namespace wg;
using namespace wg::test;
using namespace std::chrono_literals;

namespace {

class RecordingPersistence final : public liveness::LivenessPersistence {
public:
    using Record = std::variant<liveness::DeviceConnection, liveness::DeviceDisconnection, liveness::DeviceWill,
                                liveness::DeviceActivity>;
    void device_connected(const liveness::DeviceConnection& c) override { records.emplace_back(c); }
    void device_disconnected(const liveness::DeviceDisconnection& d) override { records.emplace_back(d); }
    void device_will_published(const liveness::DeviceWill& w) override { records.emplace_back(w); }
    void device_activity(const liveness::DeviceActivity& a) override { records.emplace_back(a); }

    template <typename T>
    std::vector<T> all() const {
        std::vector<T> found;
        for (const auto& record : records)
            if (const auto* one = std::get_if<T>(&record)) found.push_back(*one);
        return found;
    }
    std::vector<Record> records;
};

struct Recorded {
    BrokerHarness h;
    RecordingPersistence persistence;
    liveness::LivenessRecorder recorder{h.clock, persistence};
    Recorded() { h.broker.add_observer(recorder); }

    std::int64_t wall_ms() const {
        return std::chrono::duration_cast<std::chrono::milliseconds>(h.clock.wall_now().time_since_epoch()).count();
    }
    liveness::DeviceDisconnection last_disconnection() const {
        auto all = persistence.all<liveness::DeviceDisconnection>();
        REQUIRE_FALSE(all.empty());
        return all.back();
    }
};

ConnectOptions with_will(std::uint16_t keep_alive = 60) {
    ConnectOptions options;
    options.will = make_will("status/meter", "offline", codec::QoS::AtLeastOnce, true);
    options.keep_alive = keep_alive;
    return options;
}

}  // namespace

TEST_CASE("a connection is recorded online with what its CONNECT said", "[unit][liveness]") {
    Recorded r;
    r.h.clock.advance(90s);
    auto device = r.h.connect("meter", with_will(30));
    const auto connected = r.persistence.all<liveness::DeviceConnection>();
    REQUIRE(connected.size() == 1);
    CHECK(connected[0].client_id == "meter");
    CHECK(connected[0].at_ms == r.wall_ms());
    CHECK(connected[0].peer.rfind("127.0.0.1:", 0) == 0);
    CHECK(connected[0].protocol_version == 4);
    CHECK(connected[0].keep_alive == 30);
    CHECK(connected[0].clean_session);
    REQUIRE(connected[0].will);
    CHECK(connected[0].will->topic == "status/meter");
    CHECK(connected[0].will->qos == 1);
    CHECK(connected[0].will->retain);
    CHECK(connected[0].will->payload_size == 7);
}

TEST_CASE("every way a connection ends is recorded with its cause", "[unit][liveness]") {
    using broker::DisconnectCause;
    for (const auto cause : {DisconnectCause::PeerClosed, DisconnectCause::IoError}) {
        Recorded r;
        auto device = r.h.connect("meter", with_will());
        r.h.clock.advance(5s);
        device->drop(cause);
        const auto offline = r.last_disconnection();
        CHECK(offline.cause == broker::cause_name(cause));
        CHECK(offline.at_ms == r.wall_ms());
        CHECK(offline.will_published);
    }
    SECTION("DISCONNECT: no Will") {
        Recorded r;
        auto device = r.h.connect("meter", with_will());
        device->send(codec::Disconnect{});
        CHECK(r.last_disconnection().cause == "disconnect");
        CHECK_FALSE(r.last_disconnection().will_published);
        CHECK(r.persistence.all<liveness::DeviceWill>().empty());
    }
    SECTION("keep-alive timeout") {
        Recorded r;
        auto device = r.h.connect("meter", with_will(10));
        r.h.clock.advance(16s);
        r.h.broker.tick();
        CHECK(r.last_disconnection().cause == "keep-alive-timeout");
        CHECK(r.last_disconnection().will_published);
    }
    SECTION("protocol error, with the reason") {
        Recorded r;
        auto device = r.h.connect("meter", with_will());
        device->send(codec::Connect{});  // a second CONNECT
        CHECK(r.last_disconnection().cause == "protocol-error");
        CHECK_FALSE(r.last_disconnection().reason.empty());
    }
    SECTION("taken over: offline, then online again") {
        Recorded r;
        auto first = r.h.connect("meter", with_will());
        auto second = r.h.connect("meter");
        REQUIRE(r.persistence.records.size() == 4);  // online, Will, offline, online
        CHECK(std::get<liveness::DeviceDisconnection>(r.persistence.records[2]).cause == "taken-over");
        CHECK(std::holds_alternative<liveness::DeviceConnection>(r.persistence.records[3]));
    }
    SECTION("gateway shutdown") {
        Recorded r;
        auto device = r.h.connect("meter", with_will());
        r.h.broker.shutdown();
        CHECK(r.last_disconnection().cause == "server-shutdown");
        CHECK(r.last_disconnection().will_published);
    }
}

TEST_CASE("a published Will is recorded for its device before the device goes offline", "[unit][liveness]") {
    Recorded r;
    auto device = r.h.connect("meter", with_will());
    r.h.clock.advance(2s);
    device->drop();
    REQUIRE(r.persistence.records.size() == 3);
    const auto& will = std::get<liveness::DeviceWill>(r.persistence.records[1]);
    CHECK(will.client_id == "meter");
    CHECK(will.will.topic == "status/meter");
    CHECK(will.will.payload == "offline");
    CHECK(will.will.at_ms == r.wall_ms());
    CHECK(std::holds_alternative<liveness::DeviceDisconnection>(r.persistence.records[2]));
}

TEST_CASE("a delayed Will is recorded when it goes out, not when the connection ends", "[unit][liveness]") {
    Recorded r;
    ConnectOptions options = with_will();
    options.version = codec::ProtocolVersion::Mqtt5;
    options.will->properties.will_delay_interval = 10;
    options.properties.session_expiry_interval = 60;
    auto device = r.h.connect("meter", options);
    REQUIRE(r.persistence.all<liveness::DeviceConnection>()[0].will->delay_seconds == 10);
    device->drop();
    CHECK_FALSE(r.last_disconnection().will_published);
    CHECK(r.persistence.all<liveness::DeviceWill>().empty());
    r.h.clock.advance(10s);
    r.h.broker.tick();
    const auto wills = r.persistence.all<liveness::DeviceWill>();
    REQUIRE(wills.size() == 1);
    CHECK(wills[0].will.at_ms == r.wall_ms());
}

TEST_CASE("activity reports carry last seen and the connection's counters, for active devices only",
          "[unit][liveness]") {
    Recorded r;
    auto subscriber = r.h.connect("subscriber");
    r.h.subscribe(*subscriber, "telemetry/#", codec::QoS::AtMostOnce);
    auto meter = r.h.connect("meter");
    auto idle = r.h.connect("idle");
    r.h.broker.tick();             // the keep-alive check notes when packets came (it runs every tick)
    r.h.broker.report_activity();  // the baseline
    r.persistence.records.clear();

    r.h.clock.advance(3s);
    for (int i = 0; i < 5; ++i) meter->send(codec::Publish{"telemetry/meter", "21.5"});
    r.h.broker.tick();  // the keep-alive check notes the packets' time
    const std::int64_t seen_ms = r.wall_ms();
    r.h.clock.advance(2s);
    r.h.broker.report_activity();

    auto reports = r.persistence.all<liveness::DeviceActivity>();
    REQUIRE(reports.size() == 1);  // only the meter sent anything since the last report
    CHECK(reports[0].client_id == "meter");
    CHECK(reports[0].counters.last_seen_ms == seen_ms);
    CHECK(reports[0].counters.messages_received == 5);
    CHECK(reports[0].counters.messages_sent == 0);

    r.persistence.records.clear();
    r.h.clock.advance(5s);
    r.h.broker.report_activity();
    CHECK(r.persistence.all<liveness::DeviceActivity>().empty());  // nobody sent anything since

    // The subscriber's counters go with its disconnection: 5 PUBLISHes and their bytes.
    subscriber->drop();
    const auto offline = r.last_disconnection();
    CHECK(offline.client_id == "subscriber");
    CHECK(offline.counters.messages_sent == 5);
    CHECK(offline.counters.bytes_sent > 5 * std::string("telemetry/meter21.5").size());
}

TEST_CASE("every disconnect cause is recorded under its documented name", "[unit][liveness]") {
    using broker::DisconnectCause;
    const std::pair<DisconnectCause, const char*> causes[] = {
        {DisconnectCause::ClientDisconnect, "disconnect"},   {DisconnectCause::PeerClosed, "peer-closed"},
        {DisconnectCause::IoError, "io-error"},              {DisconnectCause::KeepAliveTimeout, "keep-alive-timeout"},
        {DisconnectCause::ProtocolError, "protocol-error"}, {DisconnectCause::SessionTakenOver, "taken-over"},
        {DisconnectCause::ServerShutdown, "server-shutdown"}, {DisconnectCause::StoreFailure, "store-failure"},
    };
    ManualClock clock;
    RecordingPersistence persistence;
    liveness::LivenessRecorder recorder{clock, persistence};
    for (const auto& [cause, name] : causes) {
        broker::DisconnectedEvent event;
        event.client_id = "meter";
        event.cause = cause;
        event.reason = std::string("because ") + name;
        recorder.on_disconnected(event);
        const auto recorded = persistence.all<liveness::DeviceDisconnection>().back();
        CHECK(recorded.cause == name);
        CHECK(recorded.reason == std::string("because ") + name);
    }
}
