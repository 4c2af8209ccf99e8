#include "bench/cpu_meter.h"

#include <sys/resource.h>

#include "bench/mqtt_load.h"

namespace wg::bench {
namespace {

double seconds(const timeval& value) {
    return static_cast<double>(value.tv_sec) + static_cast<double>(value.tv_usec) / 1e6;
}

}  // namespace

CpuSample sample_cpu() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return {monotonic_ns(), seconds(usage.ru_utime), seconds(usage.ru_stime)};
}

CpuUse cpu_between(const CpuSample& from, const CpuSample& to) {
    CpuUse use;
    use.user_seconds = to.user_seconds - from.user_seconds;
    use.system_seconds = to.system_seconds - from.system_seconds;
    use.cpu_seconds = use.user_seconds + use.system_seconds;
    const double wall = seconds_between(from.wall_ns, to.wall_ns);
    use.percent_of_core = wall > 0 ? use.cpu_seconds / wall * 100.0 : 0.0;
    return use;
}

}  // namespace wg::bench
