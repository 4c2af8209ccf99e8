#pragma once
// Percentiles of a set of latency samples (nearest rank on the sorted samples).

#include <cstdint>
#include <vector>

namespace wg::bench {

struct LatencySummary {
    std::size_t count = 0;
    double mean_us = 0;
    double p50_us = 0;
    double p90_us = 0;
    double p99_us = 0;
    double p999_us = 0;
    double max_us = 0;
};

// Sorts `samples_ns` in place.
LatencySummary summarize_latency(std::vector<std::int64_t>& samples_ns);

}  // namespace wg::bench
