// A commit that fails (here: the database size cap, which SQLite reports as a
// full disk) keeps its operations for the next attempt and damages nothing.
#include <catch2/catch.hpp>
#include <string>

#include "local_broker/store/broker_store.h"
#include "store_test_helpers.h"
#include "temp_dir.h"

namespace {

using wg::store::BrokerStore;
using wg::store::BrokerStoreOptions;
using wg::test::count_rows;
using wg::test::make_retained;
using wg::test::TempDir;

// 192 KiB with 4 KiB pages for the rows, plus the 4 pages that the outbox tables of schema v4
// take (two tables, an index, and the schema's own second page) and the 2 of schema v5's
// bridge_cursors (a table and its primary key index).
constexpr std::int64_t kPageCap = 54;

BrokerStoreOptions capped() {
    BrokerStoreOptions options;
    options.database.max_page_count = kPageCap;
    options.retry_interval = std::chrono::hours{1};  // retries only on flush()
    return options;
}

}  // namespace

TEST_CASE("a_full_database_fails_the_commit_and_keeps_stored_rows_intact", "[unit][store]") {
    TempDir dir;
    const auto path = dir.file("willgate.db");
    BrokerStore store{path, capped()};
    store.start();
    store.retained_set(make_retained("keep/1", "small"));
    store.retained_set(make_retained("filler", std::string(100 * 1024, 'f')));
    REQUIRE(store.flush());
    REQUIRE(store.healthy());

    store.retained_set(make_retained("big", std::string(90 * 1024, 'b')));
    store.retained_cleared("keep/1");  // queued behind the failing one: must not jump ahead
    CHECK_FALSE(store.flush());
    CHECK_FALSE(store.healthy());
    CHECK(store.failed_commits() >= 1);
    CHECK(store.queued_operations() == 2);
    CHECK_FALSE(store.flush());  // tried again, still full
    CHECK(store.queued_operations() == 2);

    // What was committed before is intact, and nothing of the failed batch is there.
    {
        auto database = wg::store::Database::open(path, wg::store::broker_schema());
        wg::store::Statement select{database, "SELECT topic, length(payload) FROM retained ORDER BY topic"};
        REQUIRE(select.step());
        CHECK(select.column_text(0) == "filler");
        CHECK(select.column_int(1) == 100 * 1024);
        REQUIRE(select.step());
        CHECK(select.column_text(0) == "keep/1");
        CHECK_FALSE(select.step());
        CHECK(wg::store::Database::open(path, wg::store::broker_schema()).schema_version() ==
              static_cast<std::int64_t>(wg::store::broker_schema().size()));
    }

    // Room again (another connection frees pages): the kept batch commits, in order.
    {
        auto database = wg::store::Database::open(path, wg::store::broker_schema());
        database.exec("DELETE FROM retained WHERE topic = 'filler'");
    }
    REQUIRE(store.flush());
    CHECK(store.healthy());
    CHECK(store.queued_operations() == 0);
    store.stop();

    BrokerStore reopened{path};
    const auto state = reopened.load();
    REQUIRE(state.retained.size() == 1);
    CHECK(state.retained[0].topic == "big");
    CHECK(state.retained[0].payload.size() == 90 * 1024);
}

TEST_CASE("operations_queued_while_unhealthy_are_kept_in_call_order", "[unit][store]") {
    TempDir dir;
    const auto path = dir.file("willgate.db");
    BrokerStore store{path, capped()};
    store.start();
    store.retained_set(make_retained("filler", std::string(120 * 1024, 'f')));
    REQUIRE(store.flush());
    store.retained_set(make_retained("big", std::string(120 * 1024, 'b')));
    CHECK_FALSE(store.flush());
    for (int i = 0; i < 10; ++i) store.will_removed("client-" + std::to_string(i));
    store.retained_cleared("big");
    CHECK_FALSE(store.flush());
    CHECK(store.queued_operations() == 12);
    CHECK(count_rows(path, "retained") == 1);
}
