#pragma once
// Drives an event loop until a condition holds or a deadline passes.

#include <cstdint>

#include "mqtt_load/clock.h"
#include "mqtt_load/event_loop.h"

namespace wg::mqtt_load {

// Returns true if done() became true before deadline_ns (CLOCK_MONOTONIC).
template <typename Done>
bool run_until(EventLoop& loop, std::int64_t deadline_ns, Done&& done) {
    while (!done()) {
        const std::int64_t left_ns = deadline_ns - monotonic_ns();
        if (left_ns <= 0) return false;
        const std::int64_t wait_ms = left_ns / kNanosPerMilli + 1;
        loop.poll(static_cast<int>(wait_ms < 50 ? wait_ms : 50));
    }
    return true;
}

}  // namespace wg::mqtt_load

namespace wg::mqtt_load {

// Drives the loop until last_activity_ns() lies quiet_ns in the past, or until
// deadline_ns. Returns true if the quiet period was reached.
template <typename LastActivity>
bool run_until_quiet(EventLoop& loop, std::int64_t quiet_ns, std::int64_t deadline_ns,
                     LastActivity&& last_activity_ns) {
    return run_until(loop, deadline_ns,
                     [&] { return monotonic_ns() - last_activity_ns() >= quiet_ns; });
}

}  // namespace wg::mqtt_load
