#pragma once
// Keep-alive policy (MQTT-3.1.2-24): a client that sends no packet for one and
// a half times its Keep Alive is disconnected. Keep Alive 0 disables the check.
// Before CONNECT, the same clock enforces the connect deadline.
//
// Receiving a packet only sets a flag (no clock read per packet); the next
// check takes its time as the last activity. Checked every broker tick, the
// error is at most one tick, and only ever in the client's favour.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>

namespace wg::core {

class KeepAlive {
public:
    using time_point = std::chrono::steady_clock::time_point;

    KeepAlive(time_point now, std::chrono::milliseconds limit) : last_activity_(now), limit_ms_(clamp(limit)) {}

    // Sets the limit from a CONNECT's Keep Alive, in seconds.
    void set_keep_alive(std::uint16_t seconds, time_point now) {
        limit_ms_ = std::int32_t{seconds} * 1500;
        last_activity_ = now;  // the CONNECT itself
        active_ = false;
    }

    void touch() { active_ = true; }

    bool expired(time_point now) {
        if (active_) {
            active_ = false;
            last_activity_ = now;
            return false;
        }
        return limit_ms_ > 0 && now - last_activity_ > limit();
    }

    std::chrono::milliseconds limit() const { return std::chrono::milliseconds(limit_ms_); }

    // When the last packet arrived, as of the last expired() call (the broker
    // checks every tick, so within one tick of the truth).
    time_point last_activity() const { return last_activity_; }

private:
    // 32 bits of milliseconds (24 days) hold any Keep Alive (at most 65535 x 1.5 s)
    // and connect timeout, and keep the object at 16 bytes: one per connection.
    static std::int32_t clamp(std::chrono::milliseconds limit) {
        return static_cast<std::int32_t>(
            std::clamp<std::int64_t>(limit.count(), 0, std::numeric_limits<std::int32_t>::max()));
    }

    time_point last_activity_;
    std::int32_t limit_ms_;  // 0 = never expires
    bool active_ = false;    // a packet arrived since the last check
};

}  // namespace wg::core
