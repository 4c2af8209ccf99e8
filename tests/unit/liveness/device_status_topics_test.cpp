// Device status on $SYS/willgate/devices/{id}/status: published on each change
// (handed to the loop, never straight into the broker) and served to new
// subscriptions from the registry as retained messages.
#include "local_broker/liveness/device_status_topics.h"
#include "local_broker/liveness/liveness_recorder.h"
#include "local_broker/liveness/memory_liveness.h"
#include "tests/unit/core/broker_harness.h"

using namespace wg;
using namespace wg::test;
using namespace std::chrono_literals;

namespace {

struct Published {
    std::string topic;
    std::string payload;
};

struct StatusSetup {
    BrokerHarness h;
    liveness::MemoryLiveness registry;
    liveness::LivenessRecorder recorder{h.clock, registry};
    std::vector<Published> published;
    int reads_made_current = 0;
    liveness::DeviceStatusTopics topics{
        h.clock, registry, [this](std::string topic, std::string payload) {
            published.push_back({std::move(topic), std::move(payload)});
        },
        [this] { ++reads_made_current; }};
    StatusSetup() {
        h.broker.add_observer(recorder);
        h.broker.add_observer(topics);
        h.broker.add_retained_source(topics);
    }
    // What the gateway does with `published`: posts it to the loop.
    void deliver_published() {
        for (auto& message : published) h.broker.publish_local(message.topic, message.payload, false);
        published.clear();
    }
};

}  // namespace

TEST_CASE("status topics escape the client id level and carry JSON", "[unit][liveness]") {
    using liveness::DeviceStatusTopics;
    CHECK(DeviceStatusTopics::topic("meter-1") == "$SYS/willgate/devices/meter-1/status");
    CHECK(DeviceStatusTopics::topic("a/b+c#d%e") == "$SYS/willgate/devices/a%2Fb%2Bc%23d%25e/status");
    CHECK(DeviceStatusTopics::payload("m\"1", false, 1'767'268'800'000, "peer-closed", "closed", "[::1]:5") ==
          R"({"client_id":"m\"1","online":false,"since":"2026-01-01T12:00:00.000Z","since_ms":1767268800000,)"
          R"("cause":"peer-closed","reason":"closed","peer":"[::1]:5"})");
}

TEST_CASE("each change is published, and a new subscription gets every device's status retained",
          "[unit][liveness]") {
    StatusSetup s;
    auto watcher = s.h.connect("watcher");
    s.deliver_published();
    s.h.subscribe(*watcher, "$SYS/willgate/devices/+/status", codec::QoS::AtMostOnce);
    auto device = s.h.connect("meter");
    s.deliver_published();
    auto got = watcher->publishes();
    REQUIRE(got.size() == 1);
    CHECK(got[0].topic == "$SYS/willgate/devices/meter/status");
    CHECK(got[0].payload.find(R"("online":true)") != std::string::npos);
    CHECK_FALSE(got[0].retain);

    device->drop(broker::DisconnectCause::KeepAliveTimeout);
    s.deliver_published();
    got = watcher->publishes();
    REQUIRE(got.size() == 1);
    CHECK(got[0].payload.find(R"("online":false)") != std::string::npos);
    CHECK(got[0].payload.find(R"("cause":"keep-alive-timeout")") != std::string::npos);

    auto late = s.h.connect("late");
    s.deliver_published();
    late->send(codec::Subscribe{1, {{"$SYS/willgate/devices/meter/status", codec::QoS::AtLeastOnce}}});
    auto retained = late->publishes();
    REQUIRE(retained.size() == 1);
    CHECK(retained[0].retain);
    CHECK(retained[0].qos == codec::QoS::AtMostOnce);
    CHECK(retained[0].payload.find(R"("cause":"keep-alive-timeout")") != std::string::npos);
    CHECK(s.reads_made_current == 2);
}

TEST_CASE("only subscriptions that can match the status topics read the registry", "[unit][liveness]") {
    StatusSetup s;
    auto device = s.h.connect("meter");
    auto client = s.h.connect("client");
    s.deliver_published();
    std::uint16_t packet_id = 1;
    for (const char* filter : {"#", "+/willgate/devices/+/status", "$SYS/broker/#", "$SYS/willgate", "devices/#"}) {
        client->send(codec::Subscribe{packet_id++, {{filter, codec::QoS::AtMostOnce}}});
        CHECK(client->publishes().empty());
    }
    CHECK(s.reads_made_current == 0);
    for (const char* filter : {"$SYS/#", "$SYS/+/devices/#"}) {
        client->send(codec::Subscribe{packet_id++, {{filter, codec::QoS::AtMostOnce}}});
        const auto got = client->publishes();
        REQUIRE(got.size() == 2);  // client and meter
        CHECK(got[0].retain);
        CHECK(got[1].retain);
    }
    client->send(codec::Subscribe{packet_id++, {{"$SYS/willgate/devices/meter/+", codec::QoS::AtMostOnce}}});
    const auto only_meter = client->publishes();
    REQUIRE(only_meter.size() == 1);
    CHECK(only_meter[0].topic == "$SYS/willgate/devices/meter/status");
    CHECK(s.reads_made_current == 3);
}
