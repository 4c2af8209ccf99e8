#include "local_broker/store/broker_store.h"

#include <catch2/catch.hpp>
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "store_test_helpers.h"
#include "temp_dir.h"

namespace {

using wg::core::StoredState;
using wg::store::BrokerStore;
using wg::test::at_ms;
using wg::test::count_rows;
using wg::test::make_retained;
using wg::test::make_will;
using wg::test::TempDir;
using namespace std::chrono_literals;

// What a fresh start of the gateway would load from `path`.
StoredState reload(const std::filesystem::path& path) {
    BrokerStore store{path};
    return store.load();
}

}  // namespace

TEST_CASE("a_held_will_loads_without_a_due_time", "[unit][store]") {
    TempDir dir;
    const auto path = dir.file("willgate.db");
    const auto will = make_will("devices/a/status", "offline");
    {
        BrokerStore store{path};
        CHECK(store.load().wills.empty());
        store.start();
        store.will_held("client-a", will, 10s);
        REQUIRE(store.flush());
    }
    const StoredState state = reload(path);
    REQUIRE(state.wills.size() == 1);
    CHECK(state.wills[0].client_id == "client-a");
    CHECK(state.wills[0].will == will);
    CHECK(state.wills[0].delay == 10s);
    CHECK_FALSE(state.wills[0].due);
}

TEST_CASE("a_pending_will_loads_with_its_due_time", "[unit][store]") {
    TempDir dir;
    const auto path = dir.file("willgate.db");
    const auto due = at_ms(1'767'225'600'123);
    {
        BrokerStore store{path};
        store.start();
        store.will_held("client-a", make_will("a", "gone"), 5s);
        store.will_held("client-b", make_will("b", "gone"), 0s);
        store.will_pending("client-a", due);
        store.will_pending("unknown-client", due);  // nothing held: nothing stored
    }
    const StoredState state = reload(path);
    REQUIRE(state.wills.size() == 2);
    CHECK(state.wills[0].client_id == "client-a");
    CHECK(state.wills[0].due == due);
    CHECK(state.wills[0].delay == 5s);
    CHECK_FALSE(state.wills[1].due);
}

TEST_CASE("a_removed_will_is_gone", "[unit][store]") {
    TempDir dir;
    const auto path = dir.file("willgate.db");
    {
        BrokerStore store{path};
        store.start();
        store.will_held("client-a", make_will("a", "x"), 0s);
        store.will_held("client-b", make_will("b", "y"), 0s);
        REQUIRE(store.flush());
        store.will_removed("client-a");
        store.will_removed("never-held");
    }
    const StoredState state = reload(path);
    REQUIRE(state.wills.size() == 1);
    CHECK(state.wills[0].client_id == "client-b");
}

TEST_CASE("operations_in_one_batch_apply_in_call_order", "[unit][store]") {
    TempDir dir;
    const auto path = dir.file("willgate.db");
    const auto newest = make_will("a", "third");
    {
        BrokerStore store{path};
        store.start();
        store.will_held("client-a", make_will("a", "first"), 0s);
        store.will_removed("client-a");
        store.will_held("client-a", make_will("a", "second"), 0s);
        store.will_pending("client-a", at_ms(1000));
        store.will_held("client-a", newest, 3s);  // a reconnect: held again, no due time
        store.retained_set(make_retained("t", "1"));
        store.retained_cleared("t");
        store.retained_set(make_retained("t", "2"));
    }
    const StoredState state = reload(path);
    REQUIRE(state.wills.size() == 1);
    CHECK(state.wills[0].will == newest);
    CHECK_FALSE(state.wills[0].due);
    REQUIRE(state.retained.size() == 1);
    CHECK(state.retained[0].payload == "2");
}

TEST_CASE("retained_messages_are_set_replaced_and_cleared", "[unit][store]") {
    TempDir dir;
    const auto path = dir.file("willgate.db");
    auto first = make_retained("sensors/1/temp", "20.5");
    first.expires_at = at_ms(1'800'000'000'000);
    auto replacement = make_retained("sensors/1/temp", std::string("\x00\x01\x02", 3));
    replacement.qos = wg::codec::QoS::AtMostOnce;
    replacement.properties = {};
    const auto other = make_retained("sensors/2/temp", "");
    {
        BrokerStore store{path};
        store.start();
        store.retained_set(first);
        store.retained_set(other);
        store.retained_set(make_retained("sensors/3/temp", "gone soon"));
        REQUIRE(store.flush());
        store.retained_set(replacement);
        store.retained_cleared("sensors/3/temp");
    }
    const StoredState state = reload(path);
    REQUIRE(state.retained.size() == 2);
    CHECK(state.retained[0].topic == "sensors/1/temp");
    CHECK(state.retained[0].payload == replacement.payload);
    CHECK(state.retained[0].qos == wg::codec::QoS::AtMostOnce);
    CHECK(state.retained[0].properties == wg::codec::Properties{});
    CHECK_FALSE(state.retained[0].expires_at);
    CHECK(state.retained[1].topic == other.topic);
    CHECK(state.retained[1].payload.empty());
    CHECK(state.retained[1].properties == other.properties);
}

TEST_CASE("flush_makes_changes_visible_to_another_connection", "[unit][store]") {
    TempDir dir;
    const auto path = dir.file("willgate.db");
    BrokerStore store{path};
    store.start();
    store.will_held("client-a", make_will("a", "x"), 0s);
    store.retained_set(make_retained("t", "v"));
    REQUIRE(store.flush());
    CHECK(count_rows(path, "wills") == 1);
    CHECK(count_rows(path, "retained") == 1);
    CHECK(store.queued_operations() == 0);
    CHECK(store.healthy());
    CHECK(store.failed_commits() == 0);
}

TEST_CASE("flush_without_a_writer_commits_on_the_calling_thread", "[unit][store]") {
    TempDir dir;
    const auto path = dir.file("willgate.db");
    BrokerStore store{path};
    store.will_held("client-a", make_will("a", "x"), 0s);
    CHECK(store.queued_operations() == 1);
    REQUIRE(store.flush());
    CHECK(store.commits() == 1);
    CHECK(count_rows(path, "wills") == 1);
}

TEST_CASE("stop_commits_what_is_queued", "[unit][store]") {
    TempDir dir;
    const auto path = dir.file("willgate.db");
    BrokerStore store{path};
    store.start();
    for (int i = 0; i < 100; ++i) store.will_held("client-" + std::to_string(i), make_will("a", "x"), 0s);
    store.stop();
    CHECK(store.operations_committed() == 100);
    CHECK(count_rows(path, "wills") == 100);
    store.start();  // and it can start again
    store.will_removed("client-0");
    REQUIRE(store.flush());
    CHECK(count_rows(path, "wills") == 99);
}

TEST_CASE("many_operations_commit_in_few_transactions", "[unit][store]") {
    TempDir dir;
    BrokerStore store{dir.file("willgate.db")};
    store.start();
    constexpr int kPairs = 5000;
    const auto will = make_will("devices/status", "offline");
    for (int i = 0; i < kPairs; ++i) {
        const std::string client = "client-" + std::to_string(i);
        store.will_held(client, will, 0s);
        store.will_removed(client);
    }
    REQUIRE(store.flush());
    CHECK(store.operations_committed() == 2 * kPairs);
    INFO("commits: " << store.commits());
    CHECK(store.commits() >= 1);
    CHECK(store.commits() * 20 < store.operations_committed());
}

TEST_CASE("load_after_start_is_refused", "[unit][store]") {
    TempDir dir;
    BrokerStore store{dir.file("willgate.db")};
    store.start();
    CHECK_THROWS_AS(store.load(), std::logic_error);
}

TEST_CASE("rows_with_malformed_properties_are_skipped_at_load", "[unit][store]") {
    TempDir dir;
    const auto path = dir.file("willgate.db");
    {
        BrokerStore store{path};
        store.will_held("good", make_will("a", "x"), 0s);
        store.retained_set(make_retained("good/topic", "v"));
        REQUIRE(store.flush());
    }
    {
        auto database = wg::store::Database::open(path, wg::store::broker_schema());
        database.exec("INSERT INTO wills VALUES('bad-blob', 't', x'', 0, 0, x'0163', 0, NULL)");
        database.exec("INSERT INTO wills VALUES('bad-qos', 't', x'', 3, 0, NULL, 0, NULL)");
        database.exec("INSERT INTO retained VALUES('bad/topic', x'', 1, x'02', NULL)");
    }
    const StoredState state = reload(path);
    REQUIRE(state.wills.size() == 1);
    CHECK(state.wills[0].client_id == "good");
    REQUIRE(state.retained.size() == 1);
    CHECK(state.retained[0].topic == "good/topic");
}

TEST_CASE("flush_from_another_thread_while_operations_arrive", "[unit][store]") {
    TempDir dir;
    const auto path = dir.file("willgate.db");
    BrokerStore store{path};
    store.start();
    constexpr int kOperations = 20000;
    std::atomic<bool> done{false};
    std::thread event_loop{[&] {
        const auto will = make_will("a", "x");
        for (int i = 0; i < kOperations; ++i) store.will_held("client-" + std::to_string(i % 500), will, 0s);
        done = true;
    }};
    int flushes = 0;
    while (!done) {
        CHECK(store.flush());
        ++flushes;
    }
    event_loop.join();
    REQUIRE(store.flush());
    CHECK(store.operations_committed() == kOperations);
    CHECK(store.healthy());
    CHECK(count_rows(path, "wills") == 500);
}

TEST_CASE("operations_are_numbered_in_call_order_and_commits_are_reported", "[unit][store]") {
    TempDir dir;
    BrokerStore store{dir.file("willgate.db")};
    std::mutex mutex;
    std::vector<std::uint64_t> reported;
    store.set_commit_listener([&](std::uint64_t through) {
        std::lock_guard lock{mutex};
        reported.push_back(through);
    });
    CHECK(store.last_sequence() == 0);
    store.start();
    CHECK_THROWS_AS(store.set_commit_listener({}), std::logic_error);
    store.will_held("client-a", make_will("a", "x"), 0s);
    CHECK(store.last_sequence() == 1);
    store.retained_set(make_retained("t", "v"));
    store.will_removed("client-a");
    CHECK(store.last_sequence() == 3);
    REQUIRE(store.flush());
    for (int i = 0; i < 1000; ++i) store.retained_cleared("t" + std::to_string(i));
    REQUIRE(store.flush());

    std::lock_guard lock{mutex};
    REQUIRE_FALSE(reported.empty());
    CHECK(reported.size() == store.commits());
    CHECK(std::is_sorted(reported.begin(), reported.end()));
    CHECK(std::adjacent_find(reported.begin(), reported.end()) == reported.end());
    CHECK(std::find(reported.begin(), reported.end(), 3) != reported.end());  // flush() ended a batch there
    CHECK(reported.back() == 1003);
    CHECK(store.last_sequence() == 1003);
}
