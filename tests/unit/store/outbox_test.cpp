#include <catch2/catch.hpp>
#include <string>

#include "local_broker/store/broker_store.h"
#include "local_broker/store/outbox_reader.h"
#include "temp_dir.h"

namespace {

using wg::broker::OutboxBounds;
using wg::broker::OutboxEntry;
using wg::store::BrokerStore;
using wg::store::StoredOutboxReader;
using wg::test::TempDir;

OutboxEntry entry(const std::string& topic, const std::string& payload, std::int64_t queued_ms = 1000) {
    return OutboxEntry{topic, payload, 1, false, queued_ms};
}

}  // namespace

TEST_CASE("outbox_rows_are_read_in_append_order_after_the_commit", "[unit][store]") {
    TempDir dir;
    const auto path = dir.file("willgate.db");
    BrokerStore store{path};
    store.configure_outbox("cloud", OutboxBounds{});
    store.start();
    StoredOutboxReader reader{path, "cloud"};
    for (int i = 0; i < 5; ++i) store.outbox_append("cloud", entry("t/" + std::to_string(i), "p" + std::to_string(i), 100 + i));
    store.outbox_append("other", entry("ignored", "x"));  // not configured
    REQUIRE(store.flush());
    const auto rows = reader.read_after(0, 3);
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].topic == "t/0");
    CHECK(rows[2].payload == "p2");
    CHECK(rows[0].id < rows[1].id);
    const auto rest = reader.read_after(rows.back().id, 100);
    REQUIRE(rest.size() == 2);
    CHECK(rest[1].topic == "t/4");
    CHECK(reader.oldest_queued_ms() == 100);
    CHECK(store.outbox_totals("cloud").messages == 5);
    CHECK(store.outbox_totals("cloud").bytes == 5 * (3 + 2));
}

TEST_CASE("outbox_removes_on_acknowledgement_and_survives_a_reopen", "[unit][store]") {
    TempDir dir;
    const auto path = dir.file("willgate.db");
    {
        BrokerStore store{path};
        store.configure_outbox("cloud", OutboxBounds{});
        store.start();
        for (int i = 0; i < 4; ++i) store.outbox_append("cloud", entry("t", std::to_string(i)));
        REQUIRE(store.flush());
        StoredOutboxReader reader{path, "cloud"};
        const auto rows = reader.read_after(0, 10);
        REQUIRE(rows.size() == 4);
        store.outbox_remove("cloud", {rows[0].id});
        store.outbox_remove("cloud", {rows[0].id});  // twice: nothing more happens
        store.outbox_reject("cloud", rows[1].id, "refused: 0x87 Not authorized");
        REQUIRE(store.flush());
        CHECK(store.outbox_totals("cloud").messages == 2);
        CHECK(store.outbox_totals("cloud").rejected == 1);
    }
    BrokerStore store{path};
    store.configure_outbox("cloud", OutboxBounds{});
    CHECK(store.outbox_totals("cloud").messages == 2);
    CHECK(store.outbox_totals("cloud").bytes == 2 * 2);
    StoredOutboxReader reader{path, "cloud"};
    const auto rows = reader.read_after(0, 10);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].payload == "2");
    CHECK(rows[1].payload == "3");
}

TEST_CASE("a_full_outbox_drops_the_oldest_messages_and_counts_them", "[unit][store]") {
    TempDir dir;
    const auto path = dir.file("willgate.db");
    BrokerStore store{path};
    store.configure_outbox("cloud", OutboxBounds{10, 1000000});
    store.start();
    for (int i = 0; i < 25; ++i) store.outbox_append("cloud", entry("t", std::to_string(i)));
    REQUIRE(store.flush());
    const auto totals = store.outbox_totals("cloud");
    CHECK(totals.messages == 10);
    CHECK(totals.dropped == 15);
    StoredOutboxReader reader{path, "cloud"};
    const auto rows = reader.read_after(0, 100);
    REQUIRE(rows.size() == 10);
    CHECK(rows.front().payload == "15");
    CHECK(rows.back().payload == "24");
}

TEST_CASE("the_byte_bound_counts_topic_and_payload", "[unit][store]") {
    TempDir dir;
    const auto path = dir.file("willgate.db");
    BrokerStore store{path};
    store.configure_outbox("cloud", OutboxBounds{1000, 100});
    store.start();
    for (int i = 0; i < 10; ++i) store.outbox_append("cloud", entry("topic/" + std::to_string(i), std::string(24, 'x')));
    REQUIRE(store.flush());  // 31 bytes each: three fit in 100
    CHECK(store.outbox_totals("cloud").messages == 3);
    CHECK(store.outbox_totals("cloud").bytes == 93);
    CHECK(store.outbox_totals("cloud").dropped == 7);
    StoredOutboxReader reader{path, "cloud"};
    CHECK(reader.read_after(0, 100).front().topic == "topic/7");
}

TEST_CASE("each_bridge_has_its_own_outbox_and_bounds", "[unit][store]") {
    TempDir dir;
    const auto path = dir.file("willgate.db");
    BrokerStore store{path};
    store.configure_outbox("a", OutboxBounds{2, 1000});
    store.configure_outbox("b", OutboxBounds{100, 1000});
    store.start();
    for (int i = 0; i < 5; ++i) {
        store.outbox_append("a", entry("t", "a"));
        store.outbox_append("b", entry("t", "b"));
    }
    REQUIRE(store.flush());
    CHECK(store.outbox_totals("a").messages == 2);
    CHECK(store.outbox_totals("b").messages == 5);
    StoredOutboxReader reader_b{path, "b"};
    CHECK(reader_b.read_after(0, 100).size() == 5);
}

TEST_CASE("a_bridge_liveness_cursor_is_kept_with_its_rows_and_survives_a_reopen", "[unit][store]") {
    TempDir dir;
    const auto path = dir.file("willgate.db");
    {
        BrokerStore store{path};
        store.configure_outbox("cloud", OutboxBounds{});
        store.start();
        StoredOutboxReader reader{path, "cloud"};
        CHECK_FALSE(reader.liveness_cursor().has_value());
        store.outbox_append("cloud", entry("devices/a/status", "{}"));
        store.outbox_liveness_through("cloud", 41);
        store.outbox_liveness_through("other", 7);  // not configured: ignored
        REQUIRE(store.flush());
        CHECK(reader.liveness_cursor() == 41);
        store.outbox_liveness_through("cloud", 42);
        REQUIRE(store.flush());
        CHECK(reader.liveness_cursor() == 42);
        CHECK_FALSE(StoredOutboxReader{path, "other"}.liveness_cursor().has_value());
    }
    BrokerStore store{path};
    store.configure_outbox("cloud", OutboxBounds{});
    store.start();
    CHECK(StoredOutboxReader{path, "cloud"}.liveness_cursor() == 42);
}
