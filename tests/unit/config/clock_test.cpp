#include <catch2/catch.hpp>

#include <chrono>

#include "common/clock.h"
#include "common/manual_clock.h"

using namespace std::chrono_literals;

TEST_CASE("manual_clock_moves_only_when_told", "[unit][clock]") {
    wg::ManualClock clock;
    const wg::Clock& as_clock = clock;
    const auto start = as_clock.now();
    CHECK(as_clock.now() == start);

    clock.advance(1500ms);
    CHECK(as_clock.now() - start == 1500ms);

    const wg::Clock::time_point later = start + 1h;
    clock.set(later);
    CHECK(as_clock.now() == later);
}

TEST_CASE("manual_clock_starts_at_the_given_time", "[unit][clock]") {
    const wg::Clock::time_point start{10s};
    const wg::ManualClock clock{start};
    CHECK(clock.now() == start);
}

TEST_CASE("steady_clock_does_not_go_backwards", "[unit][clock]") {
    const wg::SteadyClock clock;
    const auto first = clock.now();
    CHECK(clock.now() >= first);
}
