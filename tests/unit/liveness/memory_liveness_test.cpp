// Device liveness without a database (storage.durability "none"): the same
// records and reading side as the store, in memory.
#include <future>

#include <catch2/catch.hpp>

#include "local_broker/liveness/memory_liveness.h"

using namespace wg::liveness;
using namespace std::chrono_literals;

namespace {

constexpr std::int64_t kNoon = 1'767'268'800'000;
constexpr std::int64_t kHour = 3'600'000;

DeviceConnection connection(const std::string& id, std::int64_t at_ms) {
    DeviceConnection c;
    c.client_id = id;
    c.at_ms = at_ms;
    c.peer = "10.0.0.7:51000";
    c.protocol_version = 5;
    c.will = HeldWill{"status/" + id, 1, true, 0, 7};
    return c;
}

DeviceDisconnection disconnection(const std::string& id, std::int64_t at_ms, DeviceCounters counters = {}) {
    return DeviceDisconnection{id, at_ms, "10.0.0.7:51000", "peer-closed", "closed", true, counters};
}

}  // namespace

TEST_CASE("memory liveness: online, offline with cause and Will, counters over connections", "[unit][liveness]") {
    MemoryLiveness registry;
    registry.device_connected(connection("meter", kNoon));
    registry.device_activity(DeviceActivity{"meter", {kNoon + 10, 4, 1, 400, 50}});
    REQUIRE(registry.device("meter")->online);
    CHECK(registry.device("meter")->messages_received == 4);
    registry.device_will_published(DeviceWill{"meter", {"status/meter", "gone", kNoon + 20}});
    registry.device_disconnected(disconnection("meter", kNoon + 20, {kNoon + 15, 6, 1, 600, 50}));
    registry.device_connected(connection("meter", kNoon + 30));
    registry.device_disconnected(disconnection("meter", kNoon + 40, {kNoon + 35, 1, 0, 100, 0}));

    const auto device = registry.device("meter");
    REQUIRE(device);
    CHECK_FALSE(device->online);
    CHECK(device->since_ms == kNoon + 40);
    CHECK(device->last_cause == "peer-closed");
    CHECK(device->last_seen_ms == kNoon + 35);
    CHECK(device->messages_received == 7);
    CHECK(device->bytes_received == 700);
    REQUIRE(device->last_will);
    CHECK(device->last_will->payload == "gone");
    CHECK(registry.devices().size() == 1);
    CHECK_FALSE(registry.device("other"));
}

TEST_CASE("memory liveness: history windows, retention, the change stream and forget", "[unit][liveness]") {
    MemoryLiveness registry{HistoryRetention{48h, 4}};
    registry.device_connected(connection("d", kNoon - 30 * kHour));
    registry.device_disconnected(disconnection("d", kNoon - 2 * kHour));
    registry.device_connected(connection("d", kNoon - kHour));
    registry.device_connected(connection("e", kNoon));

    const auto window = registry.history("d", kNoon - 24 * kHour);
    REQUIRE(window.size() == 3);
    CHECK(window[0].at_ms == kNoon - 30 * kHour);

    registry.device_disconnected(disconnection("e", kNoon + 1));  // fifth row: the oldest goes
    CHECK(registry.history("d", 0).size() == 2);
    const auto changes = registry.changes_after(0, 100);
    REQUIRE(changes.size() == 4);
    CHECK(changes.front().sequence == 2);
    CHECK(changes.back().sequence == 5);
    CHECK(registry.changes_after(3, 1).at(0).sequence == 4);
    CHECK(registry.last_sequence() == 5);

    CHECK_FALSE(registry.forget("d"));  // online
    CHECK(registry.forget("e"));
    CHECK_FALSE(registry.device("e"));
    CHECK(registry.history("e", 0).empty());
    CHECK_FALSE(registry.forget("e"));
}

TEST_CASE("memory liveness: wait_for_change wakes on a transition", "[unit][liveness]") {
    MemoryLiveness registry;
    CHECK(registry.wait_for_change(0, 20ms) == 0);
    auto waiting = std::async(std::launch::async, [&] { return registry.wait_for_change(0, 10s); });
    registry.device_connected(connection("a", kNoon));
    REQUIRE(waiting.wait_for(5s) == std::future_status::ready);
    CHECK(waiting.get() == 1);
}
