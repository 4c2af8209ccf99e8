#pragma once
// A bridge's send rate limit, for cloud quotas: at most `messages_per_second`
// PUBLISH and `bytes_per_second` bytes (topic + payload) on average, with
// bursts of up to one second's worth. Messages are delayed, never dropped:
// wait() says how long until the next one may go. Two token buckets; a limit
// of 0 is no limit. A message bigger than one second's byte budget goes once
// the bucket is full (it would never fit otherwise).
//
// Pure: the caller passes the time. One thread (the bridge's).

#include <chrono>
#include <cstdint>

namespace wg::bridge {

class RateLimiter {
public:
    using Time = std::chrono::steady_clock::time_point;
    using Duration = std::chrono::steady_clock::duration;

    RateLimiter(std::uint32_t messages_per_second, std::uint64_t bytes_per_second);

    bool limited() const { return messages_per_second_ != 0 || bytes_per_second_ != 0; }

    // Zero when a message of `bytes` may go at `now`; otherwise how long until it may.
    Duration wait(std::uint64_t bytes, Time now);
    // The message went: its tokens are spent (call only when wait() said zero).
    void spend(std::uint64_t bytes);

private:
    void refill(Time now);

    std::uint32_t messages_per_second_;
    std::uint64_t bytes_per_second_;
    double message_tokens_;
    double byte_tokens_;
    Time last_{};
};

}  // namespace wg::bridge
