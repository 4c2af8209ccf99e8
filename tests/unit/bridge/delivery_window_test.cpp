#include <catch2/catch.hpp>

#include "bridge/delivery_window.h"

using wg::bridge::DeliveryWindow;
using wg::broker::OutboxRow;

namespace {

std::vector<OutboxRow> rows(std::int64_t first, std::int64_t last) {
    std::vector<OutboxRow> out;
    for (std::int64_t id = first; id <= last; ++id) out.push_back(OutboxRow{id, "t", std::to_string(id), 1, false, id * 10});
    return out;
}

// Sends what the window allows; returns the ids.
std::vector<std::int64_t> send_all(DeliveryWindow& window) {
    std::vector<std::int64_t> ids;
    while (const OutboxRow* row = window.next()) {
        ids.push_back(row->id);
        window.sent();
    }
    return ids;
}

}  // namespace

TEST_CASE("rows_go_out_in_order_within_the_window", "[unit][bridge]") {
    DeliveryWindow window{3, 10};
    CHECK(window.wants_rows());
    window.add_rows(rows(1, 5));
    CHECK_FALSE(window.wants_rows());  // buffered rows first
    CHECK(send_all(window) == std::vector<std::int64_t>{1, 2, 3});
    window.settled(1, 100);
    CHECK(send_all(window) == std::vector<std::int64_t>{4});
    window.settled(2, 101);
    window.settled(3, 102);
    CHECK(send_all(window) == std::vector<std::int64_t>{5});
    CHECK(window.cursor() == 5);
    CHECK_FALSE(window.wants_rows());  // a short batch: the outbox is read dry until new commits
    window.rows_committed();
    CHECK(window.wants_rows());
}

TEST_CASE("after_a_lost_connection_unacknowledged_rows_go_again_from_the_start", "[unit][bridge]") {
    DeliveryWindow window{4, 10};
    window.add_rows(rows(1, 6));
    CHECK(send_all(window) == std::vector<std::int64_t>{1, 2, 3, 4});
    window.settled(1, 10);
    window.settled(3, 11);  // acknowledged out of order
    window.restart();
    CHECK(window.cursor() == 0);
    REQUIRE(window.wants_rows());
    window.add_rows(rows(1, 6));  // the deletions of 1 and 3 are not committed yet
    CHECK(send_all(window) == std::vector<std::int64_t>{2, 4, 5, 6});
    window.committed(11);
    window.restart();
    window.add_rows(rows(2, 2));  // what is left: 1 and 3 are gone for good
    CHECK(send_all(window) == std::vector<std::int64_t>{2});
}

TEST_CASE("a_full_batch_asks_for_more_and_the_oldest_held_age_is_known", "[unit][bridge]") {
    DeliveryWindow window{2, 3};
    window.add_rows(rows(1, 3));
    CHECK(window.oldest_held_ms() == 10);
    send_all(window);
    window.settled(1, 1);
    window.settled(2, 2);
    CHECK(window.oldest_held_ms() == 30);
    send_all(window);
    window.settled(3, 3);
    CHECK(window.wants_rows());  // the batch was full: there may be more
    CHECK(window.cursor() == 3);
    CHECK_FALSE(window.oldest_held_ms());
}

TEST_CASE("a_row_refused_before_sending_is_skipped", "[unit][bridge]") {
    DeliveryWindow window{5, 10};
    window.add_rows(rows(1, 3));
    window.skip_next(7);
    CHECK(send_all(window) == std::vector<std::int64_t>{2, 3});
}

TEST_CASE("acknowledged_rows_are_deleted_in_batches_and_skipped_until_then", "[unit][bridge]") {
    DeliveryWindow window{4, 3};  // a batch of deletions: 3 rows, or whatever is left when nothing is in flight
    window.add_rows(rows(1, 3));
    CHECK(send_all(window) == std::vector<std::int64_t>{1, 2, 3});
    window.acknowledged(1);
    window.acknowledged(2);
    CHECK_FALSE(window.deletions_due());  // 3 is still in flight
    CHECK(window.deletions_pending());
    window.acknowledged(3);
    REQUIRE(window.deletions_due());
    const std::vector<std::int64_t> ids = window.take_deletions();
    CHECK(ids == std::vector<std::int64_t>{1, 2, 3});
    CHECK_FALSE(window.deletions_due());
    window.deletions_queued(ids, 40);
    window.restart();
    window.add_rows(rows(1, 4));  // the deletions are not committed yet
    CHECK(send_all(window) == std::vector<std::int64_t>{4});
    window.committed(40);
    CHECK_FALSE(window.deletions_pending());
    window.acknowledged(4);
    CHECK(window.deletions_due());  // nothing in flight: the rest goes at once
    CHECK(window.take_deletions() == std::vector<std::int64_t>{4});
}
