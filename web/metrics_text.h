// /metrics in the Prometheus text exposition format 0.0.4.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "willgate/broker_status.h"

namespace wg::web {

inline constexpr const char* kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

// A label value as the format wants it: backslash, double quote and line feed escaped.
std::string escape_label_value(std::string_view value);

struct DeviceCounts {
    std::uint64_t online = 0;
    std::uint64_t offline = 0;
};

// Every metric with its HELP and TYPE lines. `now_ms` gives willgate_uptime_seconds.
std::string metrics_text(const broker::BrokerStatus& status, const DeviceCounts& devices, std::int64_t now_ms);

}  // namespace wg::web
