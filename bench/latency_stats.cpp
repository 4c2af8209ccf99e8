#include "bench/latency_stats.h"

#include <algorithm>
#include <cmath>

namespace wg::bench {
namespace {

double to_us(std::int64_t ns) { return static_cast<double>(ns) / 1000.0; }

double percentile(const std::vector<std::int64_t>& sorted, double fraction) {
    const auto rank =
        static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(sorted.size())));
    return to_us(sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1]);
}

}  // namespace

LatencySummary summarize_latency(std::vector<std::int64_t>& samples_ns) {
    LatencySummary summary;
    summary.count = samples_ns.size();
    if (samples_ns.empty()) return summary;
    std::sort(samples_ns.begin(), samples_ns.end());
    double total = 0;
    for (const std::int64_t sample : samples_ns) total += static_cast<double>(sample);
    summary.mean_us = total / static_cast<double>(samples_ns.size()) / 1000.0;
    summary.p50_us = percentile(samples_ns, 0.50);
    summary.p90_us = percentile(samples_ns, 0.90);
    summary.p99_us = percentile(samples_ns, 0.99);
    summary.p999_us = percentile(samples_ns, 0.999);
    summary.max_us = to_us(samples_ns.back());
    return summary;
}

}  // namespace wg::bench
