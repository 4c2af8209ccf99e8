#pragma once
// CLOCK_MONOTONIC in nanoseconds: the one time base of the tool (latency stamps included).

#include <time.h>

#include <cstdint>

namespace wg::mqtt_load {

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;
constexpr std::int64_t kNanosPerMilli = 1'000'000;

inline std::int64_t monotonic_ns() {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return std::int64_t{now.tv_sec} * kNanosPerSecond + now.tv_nsec;
}

inline double seconds_between(std::int64_t from_ns, std::int64_t to_ns) {
    return static_cast<double>(to_ns - from_ns) / static_cast<double>(kNanosPerSecond);
}

}  // namespace wg::mqtt_load
