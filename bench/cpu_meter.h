#pragma once
// The tool's own CPU use (getrusage: user + system, all threads of the process) against
// wall time, so every result can show that the load generator was not the bottleneck.

#include <cstdint>

namespace wg::bench {

struct CpuSample {
    std::int64_t wall_ns = 0;
    double user_seconds = 0;
    double system_seconds = 0;
};

CpuSample sample_cpu();

struct CpuUse {
    double cpu_seconds = 0;      // user + system
    double user_seconds = 0;     // the tool's own code
    double system_seconds = 0;   // the kernel: mostly TCP on loopback, both ends' share
    double percent_of_core = 0;  // cpu_seconds / wall seconds * 100
};

CpuUse cpu_between(const CpuSample& from, const CpuSample& to);

}  // namespace wg::bench
