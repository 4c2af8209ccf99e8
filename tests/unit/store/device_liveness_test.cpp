// Device liveness in the SQLite store: what the writer records (devices and
// their history) as the reader sees it, retention, forgetting, the restart
// after a crash, and the change stream.
#include <chrono>
#include <future>
#include <thread>

#include <catch2/catch.hpp>

#include "local_broker/store/broker_store.h"
#include "local_broker/store/liveness_reader.h"
#include "local_broker/store/schema.h"
#include "local_broker/store/statement.h"
#include "tests/unit/store/temp_dir.h"

using namespace wg;
using namespace std::chrono_literals;
using wg::test::TempDir;

namespace {

constexpr std::int64_t kNoon = 1'767'268'800'000;  // 2026-01-01T12:00:00Z, in ms
constexpr std::int64_t kHour = 3'600'000;

liveness::DeviceConnection connection(const std::string& id, std::int64_t at_ms) {
    liveness::DeviceConnection c;
    c.client_id = id;
    c.at_ms = at_ms;
    c.peer = "10.0.0.7:51000";
    c.username = "meter";
    c.protocol_version = 5;
    c.keep_alive = 45;
    c.clean_session = false;
    c.will = liveness::HeldWill{"status/" + id, 2, true, 30, 7};
    return c;
}

liveness::DeviceDisconnection disconnection(const std::string& id, std::int64_t at_ms,
                                            const std::string& cause = "peer-closed") {
    return liveness::DeviceDisconnection{id, at_ms, "10.0.0.7:51000", cause, "detail of " + cause, true};
}

std::int64_t count(const std::filesystem::path& path, const std::string& sql) {
    store::Database database = store::Database::open(path, store::broker_schema());
    store::Statement select{database, sql};
    REQUIRE(select.step());
    return select.column_int64(0);
}

}  // namespace

TEST_CASE("a connected device reads back online with everything its connection said", "[unit][store][liveness]") {
    TempDir dir;
    store::BrokerStore store{dir.file("willgate.db")};
    store::StoredLivenessReader reader{store};
    store.device_connected(connection("meter-1", kNoon));
    REQUIRE(store.flush());

    const auto device = reader.device("meter-1");
    REQUIRE(device);
    CHECK(device->online);
    CHECK(device->since_ms == kNoon);
    CHECK(device->last_seen_ms == kNoon);
    CHECK(device->peer == "10.0.0.7:51000");
    CHECK(device->username == "meter");
    CHECK(device->protocol_version == 5);
    CHECK(device->keep_alive == 45);
    CHECK_FALSE(device->clean_session);
    REQUIRE(device->will);
    CHECK(device->will->topic == "status/meter-1");
    CHECK(device->will->qos == 2);
    CHECK(device->will->retain);
    CHECK(device->will->delay_seconds == 30);
    CHECK(device->will->payload_size == 7);
    CHECK(device->last_cause.empty());
    CHECK_FALSE(device->last_will);
    CHECK_FALSE(reader.device("unknown"));
}

TEST_CASE("a disconnection keeps the device with its cause, and its Will once published", "[unit][store][liveness]") {
    TempDir dir;
    store::BrokerStore store{dir.file("willgate.db")};
    store::StoredLivenessReader reader{store};
    store.device_connected(connection("meter-1", kNoon));
    store.device_will_published(liveness::DeviceWill{"meter-1", {"status/meter-1", std::string("off\0line", 8), kNoon + 5}});
    store.device_disconnected(disconnection("meter-1", kNoon + 5, "keep-alive-timeout"));
    REQUIRE(store.flush());

    const auto device = reader.device("meter-1");
    REQUIRE(device);
    CHECK_FALSE(device->online);
    CHECK(device->since_ms == kNoon + 5);
    CHECK(device->last_cause == "keep-alive-timeout");
    CHECK(device->last_reason == "detail of keep-alive-timeout");
    REQUIRE(device->will);  // the Will its last connection held stays on record
    REQUIRE(device->last_will);
    CHECK(device->last_will->topic == "status/meter-1");
    CHECK(device->last_will->payload == std::string("off\0line", 8));
    CHECK(device->last_will->at_ms == kNoon + 5);

    const auto history = reader.history("meter-1", 0);
    REQUIRE(history.size() == 2);
    CHECK(history[0].online);
    CHECK(history[0].at_ms == kNoon);
    CHECK_FALSE(history[1].online);
    CHECK(history[1].cause == "keep-alive-timeout");
    CHECK(history[1].will_published);
    CHECK(history[0].sequence < history[1].sequence);
}

TEST_CASE("devices are listed by client id", "[unit][store][liveness]") {
    TempDir dir;
    store::BrokerStore store{dir.file("willgate.db")};
    store::StoredLivenessReader reader{store};
    for (const char* id : {"c", "a", "b"}) store.device_connected(connection(id, kNoon));
    store.device_disconnected(disconnection("b", kNoon + 1));
    REQUIRE(store.flush());
    const auto devices = reader.devices();
    REQUIRE(devices.size() == 3);
    CHECK(devices[0].client_id == "a");
    CHECK(devices[1].client_id == "b");
    CHECK_FALSE(devices[1].online);
    CHECK(devices[2].client_id == "c");
}

TEST_CASE("a history window starts with the state the device was in", "[unit][store][liveness]") {
    TempDir dir;
    store::BrokerStore store{dir.file("willgate.db")};
    store::StoredLivenessReader reader{store};
    store.device_connected(connection("d", kNoon - 30 * kHour));
    store.device_disconnected(disconnection("d", kNoon - 2 * kHour));
    store.device_connected(connection("d", kNoon - kHour));
    store.device_connected(connection("other", kNoon - kHour));
    REQUIRE(store.flush());
    const auto window = reader.history("d", kNoon - 24 * kHour);
    REQUIRE(window.size() == 3);
    CHECK(window[0].at_ms == kNoon - 30 * kHour);  // before the window: online when it began
    CHECK(window[0].online);
    CHECK(window[1].at_ms == kNoon - 2 * kHour);
    CHECK(window[2].at_ms == kNoon - kHour);
    CHECK(reader.history("nobody", 0).empty());
}

TEST_CASE("history is trimmed by age and by count", "[unit][store][liveness]") {
    TempDir dir;
    const auto path = dir.file("willgate.db");
    store::BrokerStore store{path};
    SECTION("entries older than max_age go") {
        store.set_history_retention(liveness::HistoryRetention{48h, 1000});
        store.device_connected(connection("a", kNoon - 72 * kHour));
        store.device_disconnected(disconnection("a", kNoon - 24 * kHour));
        store.device_connected(connection("a", kNoon));
        REQUIRE(store.flush());
        CHECK(count(path, "SELECT count(*) FROM device_history") == 2);
        CHECK(count(path, "SELECT min(at_ms) FROM device_history") == kNoon - 24 * kHour);
    }
    SECTION("beyond max_rows the oldest go") {
        store.set_history_retention(liveness::HistoryRetention{24h * 365, 10});
        for (int i = 0; i < 25; ++i) {
            const std::string id = "d" + std::to_string(i % 3);
            if (i % 2 == 0) store.device_connected(connection(id, kNoon + i));
            else store.device_disconnected(disconnection(id, kNoon + i));
        }
        REQUIRE(store.flush());
        CHECK(count(path, "SELECT count(*) FROM device_history") == 10);
        CHECK(count(path, "SELECT min(at_ms) FROM device_history") == kNoon + 15);
    }
}

TEST_CASE("forget drops an offline device and its history, never an online one", "[unit][store][liveness]") {
    TempDir dir;
    const auto path = dir.file("willgate.db");
    store::BrokerStore store{path};
    store.start();
    store::StoredLivenessReader reader{store};
    store.device_connected(connection("gone", kNoon));
    store.device_disconnected(disconnection("gone", kNoon + 1));
    store.device_connected(connection("online", kNoon));
    REQUIRE(store.flush());

    CHECK(reader.forget("gone"));
    CHECK_FALSE(reader.device("gone"));
    CHECK(reader.history("gone", 0).empty());
    CHECK_FALSE(reader.forget("gone"));    // unknown now
    CHECK_FALSE(reader.forget("online"));  // online: kept
    CHECK(reader.device("online"));
    CHECK(count(path, "SELECT count(*) FROM device_history WHERE client_id = 'online'") == 1);
    store.stop();
}

TEST_CASE("devices online when the gateway died are offline after the restart", "[unit][store][liveness]") {
    TempDir dir;
    const auto path = dir.file("willgate.db");
    {
        store::BrokerStore store{path};
        store.device_connected(connection("lost", kNoon));
        codec::Will will;
        will.topic = "status/lost";
        will.payload = "gone";
        store.will_held("lost", will, 0s);  // its Will goes out at the restart
        store.device_connected(connection("delayed", kNoon));
        store.will_held("delayed", will, 30s);  // waits for its delay after the restart
        store.device_connected(connection("left", kNoon));
        store.device_disconnected(disconnection("left", kNoon + 1, "disconnect"));
        REQUIRE(store.flush());
    }  // as after kill -9: nothing else written
    store::BrokerStore store{path};
    CHECK(store.mark_devices_offline_after_restart(kNoon + kHour) == 2);
    store::StoredLivenessReader reader{store};
    for (const char* id : {"lost", "delayed"}) {
        const auto device = reader.device(id);
        REQUIRE(device);
        CHECK_FALSE(device->online);
        CHECK(device->since_ms == kNoon + kHour);
        CHECK(device->last_cause == liveness::kGatewayRestart);
    }
    CHECK(reader.history("lost", 0).back().will_published);
    CHECK_FALSE(reader.history("delayed", 0).back().will_published);
    CHECK(reader.device("left")->last_cause == "disconnect");  // untouched
    CHECK(reader.history("left", 0).size() == 2);
    CHECK(store.mark_devices_offline_after_restart(kNoon + 2 * kHour) == 0);  // nobody online any more
}

TEST_CASE("the change stream yields every transition once, in order, from any point", "[unit][store][liveness]") {
    TempDir dir;
    store::BrokerStore store{dir.file("willgate.db")};
    store.set_history_retention(liveness::HistoryRetention{24h * 365, 3});
    store::StoredLivenessReader reader{store};
    CHECK(reader.last_sequence() == 0);
    store.device_connected(connection("a", kNoon));
    store.device_connected(connection("b", kNoon + 1));
    store.device_disconnected(disconnection("a", kNoon + 2));
    REQUIRE(store.flush());
    const auto all = reader.changes_after(0, 100);
    REQUIRE(all.size() == 3);
    CHECK(all[0].client_id == "a");
    CHECK(all[1].client_id == "b");
    CHECK_FALSE(all[2].online);
    CHECK(reader.last_sequence() == all[2].sequence);
    const auto rest = reader.changes_after(all[0].sequence, 1);
    REQUIRE(rest.size() == 1);
    CHECK(rest[0].sequence == all[1].sequence);

    // Trimmed and forgotten rows never give their numbers to new ones.
    store.device_connected(connection("c", kNoon + 3));
    store.device_connected(connection("d", kNoon + 4));
    REQUIRE(store.flush());
    const auto newer = reader.changes_after(all[2].sequence, 100);
    REQUIRE(newer.size() == 2);
    CHECK(newer[0].sequence == all[2].sequence + 1);
    CHECK(reader.last_sequence() == all[2].sequence + 2);
}

TEST_CASE("wait_for_change wakes on a commit and times out without one", "[unit][store][liveness]") {
    TempDir dir;
    store::BrokerStore store{dir.file("willgate.db")};
    store::StoredLivenessReader reader{store};
    store.set_commit_listener([&reader](std::uint64_t) { reader.notify_committed(); });
    store.start();

    const auto quiet_start = std::chrono::steady_clock::now();
    CHECK(reader.wait_for_change(0, 50ms) == 0);
    CHECK(std::chrono::steady_clock::now() - quiet_start >= 50ms);

    auto waiting = std::async(std::launch::async, [&reader] { return reader.wait_for_change(0, 10s); });
    store.device_connected(connection("a", kNoon));
    REQUIRE(waiting.wait_for(5s) == std::future_status::ready);
    CHECK(waiting.get() == 1);
    store.stop();
}

TEST_CASE("counters add up over a device's connections and last seen only moves forward", "[unit][store][liveness]") {
    TempDir dir;
    store::BrokerStore store{dir.file("willgate.db")};
    store::StoredLivenessReader reader{store};
    store.device_connected(connection("meter", kNoon));
    store.device_activity(liveness::DeviceActivity{"meter", {kNoon + 1000, 5, 1, 500, 40}});
    store.device_activity(liveness::DeviceActivity{"meter", {kNoon + 2000, 8, 2, 800, 80}});
    REQUIRE(store.flush());
    auto device = reader.device("meter");
    CHECK(device->last_seen_ms == kNoon + 2000);
    CHECK(device->messages_received == 8);  // the connection's counters, not their sum
    CHECK(device->bytes_sent == 80);

    auto ended = disconnection("meter", kNoon + 3000);
    ended.counters = {kNoon + 1500, 10, 3, 1000, 90};  // an older last seen does not go back
    store.device_disconnected(ended);
    store.device_connected(connection("meter", kNoon + 4000));
    store.device_activity(liveness::DeviceActivity{"meter", {kNoon + 5000, 1, 0, 100, 4}});
    REQUIRE(store.flush());
    device = reader.device("meter");
    CHECK(device->last_seen_ms == kNoon + 5000);
    CHECK(device->messages_received == 11);
    CHECK(device->messages_sent == 3);
    CHECK(device->bytes_received == 1100);
    CHECK(device->bytes_sent == 94);
}
