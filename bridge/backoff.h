#pragma once
// Reconnect delays: exponential back-off with jitter. The first delay is about
// `initial`, each failure doubles it up to `max`; each delay is drawn from
// [d/2, d] so that many gateways losing one cloud do not come back in step.
// reset() after a successful connection. Pure apart from its random generator
// (seeded by the caller).

#include <chrono>
#include <cstdint>
#include <random>

namespace wg::bridge {

class Backoff {
public:
    Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, std::uint64_t seed);

    std::chrono::milliseconds next();
    void reset() { current_ = initial_; }

private:
    std::chrono::milliseconds initial_;
    std::chrono::milliseconds max_;
    std::chrono::milliseconds current_;
    std::mt19937_64 random_;
};

}  // namespace wg::bridge
