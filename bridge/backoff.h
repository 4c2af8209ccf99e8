#pragma once
// Reconnect delays: back-off with jitter that grows with the length of the
// outage. Each delay is drawn from [d/2, d], where d is half the time the
// connection has been down so far (since the first failure after reset()),
// at least `initial` and at most `max`. A short outage is thus retried within
// about half its length (the first retries every initial/2 .. initial), a long
// one every max/2 .. max, and the draw keeps many gateways that lost one cloud
// from coming back in step. reset() after a successful connection. Pure apart
// from its random generator (seeded by the caller) and the times it is given.

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>

namespace wg::bridge {

class Backoff {
public:
    using Time = std::chrono::steady_clock::time_point;

    Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, std::uint64_t seed);

    // The delay before the next attempt, after a failure at `now`.
    std::chrono::milliseconds next(Time now = std::chrono::steady_clock::now());
    void reset() { down_since_.reset(); }

private:
    std::chrono::milliseconds initial_;
    std::chrono::milliseconds max_;
    std::optional<Time> down_since_;
    std::mt19937_64 random_;
};

}  // namespace wg::bridge
