#include <catch2/catch.hpp>

#include "common/manual_clock.h"
#include "local_broker/core/keep_alive.h"

using namespace wg;
using namespace std::chrono_literals;

TEST_CASE("keep alive expires after one and a half times its value", "[unit][keepalive]") {
    ManualClock clock;
    core::KeepAlive keep_alive(clock.now(), 10s);
    keep_alive.set_keep_alive(60, clock.now());
    clock.advance(90s);
    CHECK_FALSE(keep_alive.expired(clock.now()));
    clock.advance(1ms);
    CHECK(keep_alive.expired(clock.now()));
}

TEST_CASE("activity restarts the keep alive window at the next check", "[unit][keepalive]") {
    ManualClock clock;
    core::KeepAlive keep_alive(clock.now(), 0ms);
    keep_alive.set_keep_alive(2, clock.now());
    clock.advance(2s);
    keep_alive.touch();
    CHECK_FALSE(keep_alive.expired(clock.now()));  // the broker's tick takes this as the activity time
    clock.advance(2s);
    CHECK_FALSE(keep_alive.expired(clock.now()));
    clock.advance(1001ms);
    CHECK(keep_alive.expired(clock.now()));
}

TEST_CASE("keep alive 0 disables the check", "[unit][keepalive]") {
    ManualClock clock;
    core::KeepAlive keep_alive(clock.now(), 10s);
    keep_alive.set_keep_alive(0, clock.now());
    clock.advance(24h * 365);
    CHECK_FALSE(keep_alive.expired(clock.now()));
}

TEST_CASE("the connect deadline uses the same timer before CONNECT", "[unit][keepalive]") {
    ManualClock clock;
    core::KeepAlive deadline(clock.now(), 10s);
    clock.advance(10s);
    CHECK_FALSE(deadline.expired(clock.now()));
    clock.advance(1ms);
    CHECK(deadline.expired(clock.now()));
}

TEST_CASE("activity between checks counts from the next check, never earlier", "[unit][keepalive]") {
    ManualClock clock;
    core::KeepAlive keep_alive(clock.now(), 0ms);
    keep_alive.set_keep_alive(2, clock.now());  // 3 s limit
    clock.advance(2900ms);
    keep_alive.touch();
    clock.advance(200ms);  // 3.1 s after the start, but a packet came in between
    CHECK_FALSE(keep_alive.expired(clock.now()));
    clock.advance(3000ms);
    CHECK_FALSE(keep_alive.expired(clock.now()));
    clock.advance(1ms);
    CHECK(keep_alive.expired(clock.now()));
}
