#include <catch2/catch.hpp>

#include "bridge/backoff.h"

using wg::bridge::Backoff;
using namespace std::chrono_literals;

TEST_CASE("reconnect_delays_double_up_to_the_cap_with_jitter", "[unit][bridge]") {
    Backoff backoff{500ms, 10000ms, 42};
    const std::chrono::milliseconds ceilings[] = {500ms, 1000ms, 2000ms, 4000ms, 8000ms, 10000ms, 10000ms};
    for (const auto ceiling : ceilings) {
        const auto delay = backoff.next();
        CHECK(delay >= ceiling / 2);
        CHECK(delay <= ceiling);
    }
    backoff.reset();
    const auto first = backoff.next();
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
