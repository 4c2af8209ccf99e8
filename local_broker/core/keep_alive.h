#pragma once
// Keep-alive policy (MQTT-3.1.2-24): a client that sends no packet for one and
// a half times its Keep Alive is disconnected. Keep Alive 0 disables the check.
// Before CONNECT, the same clock enforces the connect deadline.
//
// Receiving a packet only sets a flag (no clock read per packet); the next
// check takes its time as the last activity. Checked every broker tick, the
// error is at most one tick, and only ever in the client's favour.

#include <chrono>
#include <cstdint>
#include <optional>

namespace wg::core {

class KeepAlive {
public:
    using time_point = std::chrono::steady_clock::time_point;

    KeepAlive(time_point now, std::chrono::milliseconds limit) : last_activity_(now), limit_(limit) {}

    // Sets the limit from a CONNECT's Keep Alive, in seconds.
    void set_keep_alive(std::uint16_t seconds, time_point now) {
        limit_ = std::chrono::milliseconds(std::int64_t{seconds} * 1500);
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
        return limit_.count() > 0 && now - last_activity_ > limit_;
    }

    std::chrono::milliseconds limit() const { return limit_; }

private:
    time_point last_activity_;
    std::chrono::milliseconds limit_;  // 0 = never expires
    bool active_ = false;              // a packet arrived since the last check
};

}  // namespace wg::core
