// A measurement, not a check: hidden from the normal run ([.] tag). Run with
//   store_tests "[.throughput]"
#include <catch2/catch.hpp>
#include <chrono>
#include <iostream>
#include <string>

#include "local_broker/store/broker_store.h"
#include "store_test_helpers.h"
#include "temp_dir.h"

namespace {

using wg::store::BrokerStore;
using wg::store::BrokerStoreOptions;
using wg::store::Durability;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

void measure(Durability durability, const char* name) {
    wg::test::TempDir dir;
    BrokerStoreOptions options;
    options.database.durability = durability;
    BrokerStore store{dir.file("willgate.db"), options};
    store.start();
    const auto will = wg::test::make_will("devices/status", "offline");

    // As fast as the broker can call: the writer groups them.
    constexpr int kPairs = 100'000;
    auto start = Clock::now();
    for (int i = 0; i < kPairs; ++i) {
        const std::string client = "client-" + std::to_string(i % 1000);
        store.will_held(client, will, std::chrono::seconds{0});
        store.will_removed(client);
    }
    REQUIRE(store.flush());
    const double grouped = seconds_since(start);
    const auto commits = store.commits();

    // One pair at a time, each waited for: one commit per pair.
    constexpr int kSingles = 500;
    start = Clock::now();
    for (int i = 0; i < kSingles; ++i) {
        store.will_held("single", will, std::chrono::seconds{0});
        store.will_removed("single");
        REQUIRE(store.flush());
    }
    const double single = seconds_since(start);

    std::cout << name << ": grouped " << static_cast<long>(2 * kPairs / grouped) << " ops/s (" << commits
              << " commits for " << 2 * kPairs << " ops); one pair per commit "
              << static_cast<long>(2 * kSingles / single) << " ops/s, " << single / kSingles * 1e3
              << " ms per commit\n";
}

}  // namespace

TEST_CASE("throughput_of_will_held_and_removed_pairs", "[.throughput]") {
    measure(Durability::ProcessCrashSafe, "synchronous=NORMAL");
    measure(Durability::PowerLossSafe, "synchronous=FULL  ");
}
