#include <catch2/catch.hpp>

#include "bridge/backoff.h"

using wg::bridge::Backoff;
using namespace std::chrono_literals;

TEST_CASE("reconnect_delays_grow_with_the_outage_up_to_the_cap_with_jitter", "[unit][bridge]") {
    Backoff backoff{500ms, 10000ms, 42};
    const Backoff::Time lost{};
    // (time since the first failure, ceiling of the delay): half the outage, within [initial, max]
    const std::pair<std::chrono::milliseconds, std::chrono::milliseconds> steps[] = {
        {0ms, 500ms}, {400ms, 500ms}, {1000ms, 500ms}, {3000ms, 1500ms}, {8000ms, 4000ms},
        {19000ms, 9500ms}, {60000ms, 10000ms}};
    for (const auto& [down, ceiling] : steps) {
        const auto delay = backoff.next(lost + down);
        CHECK(delay >= ceiling / 2);
        CHECK(delay <= ceiling);
    }
    backoff.reset();
    const auto first = backoff.next(lost + 70000ms);  // a new outage
    CHECK(first >= 250ms);
    CHECK(first <= 500ms);
}

TEST_CASE("jitter_spreads_the_delays", "[unit][bridge]") {
    Backoff a{1000ms, 1000ms, 1};
    Backoff b{1000ms, 1000ms, 2};
    bool differ = false;
    for (int i = 0; i < 10; ++i) differ |= a.next() != b.next();
    CHECK(differ);
}
