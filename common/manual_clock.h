// A Clock that only moves when a test moves it.
//
// Threads: now(), advance() and set() may be called from any thread (the time is one atomic),
// so a test can advance the clock while the code under test reads it on another thread.
#pragma once

#include <atomic>

#include "common/clock.h"

namespace wg {

class ManualClock final : public Clock {
public:
    explicit ManualClock(time_point start = time_point{})
        : ticks_{start.time_since_epoch().count()} {}

    time_point now() const override {
        return time_point{duration{ticks_.load(std::memory_order_acquire)}};
    }

    // Moves with now(), from a fixed wall-clock origin (2026-01-01T00:00:00Z).
    std::chrono::system_clock::time_point wall_now() const override {
        return kWallOrigin + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                 duration{ticks_.load(std::memory_order_acquire)});
    }

    static constexpr std::chrono::system_clock::time_point kWallOrigin{std::chrono::seconds{1'767'225'600}};

    // Moves the clock forward by `step` (a negative step moves it back).
    void advance(duration step) { ticks_.fetch_add(step.count(), std::memory_order_acq_rel); }

    void set(time_point when) {
        ticks_.store(when.time_since_epoch().count(), std::memory_order_release);
    }

private:
    std::atomic<duration::rep> ticks_;
};

}  // namespace wg
