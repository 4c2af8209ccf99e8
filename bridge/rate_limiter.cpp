#include "bridge/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace wg::bridge {
namespace {

// Time for `missing` tokens at `rate` per second, rounded up to a microsecond.
RateLimiter::Duration time_for(double missing, double rate) {
    const auto micros = static_cast<std::int64_t>(std::ceil(missing / rate * 1e6));
    return std::chrono::duration_cast<RateLimiter::Duration>(std::chrono::microseconds{std::max<std::int64_t>(micros, 1)});
}

}  // namespace

RateLimiter::RateLimiter(std::uint32_t messages_per_second, std::uint64_t bytes_per_second)
    : messages_per_second_{messages_per_second},
      bytes_per_second_{bytes_per_second},
      message_tokens_{static_cast<double>(messages_per_second)},
      byte_tokens_{static_cast<double>(bytes_per_second)} {}

void RateLimiter::refill(Time now) {
    if (last_ == Time{}) {
        last_ = now;
        return;
    }
    const double seconds = std::chrono::duration<double>(now - last_).count();
    if (seconds <= 0) return;
    last_ = now;
    message_tokens_ = std::min(static_cast<double>(messages_per_second_),
                               message_tokens_ + seconds * static_cast<double>(messages_per_second_));
    byte_tokens_ =
        std::min(static_cast<double>(bytes_per_second_), byte_tokens_ + seconds * static_cast<double>(bytes_per_second_));
}

RateLimiter::Duration RateLimiter::wait(std::uint64_t bytes, Time now) {
    if (!limited()) return Duration::zero();
    refill(now);
    Duration delay = Duration::zero();
    if (messages_per_second_ != 0 && message_tokens_ < 1.0)
        delay = time_for(1.0 - message_tokens_, messages_per_second_);
    if (bytes_per_second_ != 0) {
        const double needed = std::min(static_cast<double>(bytes), static_cast<double>(bytes_per_second_));
        if (byte_tokens_ < needed)
            delay = std::max(delay, time_for(needed - byte_tokens_, static_cast<double>(bytes_per_second_)));
    }
    return delay;
}

void RateLimiter::spend(std::uint64_t bytes) {
    if (messages_per_second_ != 0) message_tokens_ -= 1.0;
    if (bytes_per_second_ != 0) byte_tokens_ -= static_cast<double>(bytes);
}

}  // namespace wg::bridge
