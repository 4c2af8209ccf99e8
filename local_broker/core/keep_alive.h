#pragma once
// Keep-alive policy (MQTT-3.1.2-24): a client that sends no packet for one and
// a half times its Keep Alive is disconnected. Keep Alive 0 disables the check.
// Before CONNECT, the same clock enforces the connect deadline.

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
        last_activity_ = now;
    }

    void touch(time_point now) { last_activity_ = now; }

    bool expired(time_point now) const { return limit_.count() > 0 && now - last_activity_ > limit_; }

    std::chrono::milliseconds limit() const { return limit_; }

private:
    time_point last_activity_;
    std::chrono::milliseconds limit_;  // 0 = never expires
};

}  // namespace wg::core
