// The time source of WillGate. Code that needs the time takes a `const Clock&` so that tests
// can drive it with a ManualClock (common/manual_clock.h).
//
// Threads: now() may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>

namespace wg {

class Clock {
public:
    using time_point = std::chrono::steady_clock::time_point;
    using duration = std::chrono::steady_clock::duration;

    virtual ~Clock() = default;

    // Monotonic: never goes backwards (except a ManualClock that a test sets back).
    virtual time_point now() const = 0;

    // Wall-clock time, for what must keep its meaning across a restart (a stored
    // Will's deadline, a retained message's expiry).
    virtual std::chrono::system_clock::time_point wall_now() const = 0;
};

// The real monotonic clock (std::chrono::steady_clock).
class SteadyClock final : public Clock {
public:
    time_point now() const override { return std::chrono::steady_clock::now(); }
    std::chrono::system_clock::time_point wall_now() const override { return std::chrono::system_clock::now(); }
};

// Milliseconds since the Unix epoch (UTC): how times are stored, sent as JSON
// and shown.
inline std::int64_t epoch_ms(std::chrono::system_clock::time_point time) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

// epoch_ms() of the clock's wall time now.
inline std::int64_t wall_ms(const Clock& clock) { return epoch_ms(clock.wall_now()); }

}  // namespace wg
