#include "web/uptime.h"

#include <algorithm>

namespace wg::web {

std::optional<double> uptime_fraction(const std::vector<liveness::Transition>& history,
                                      std::int64_t from_ms, std::int64_t now_ms) {
    std::int64_t start = -1;       // where the known part of the window begins
    std::int64_t online_ms = 0;
    bool online = false;
    std::int64_t cursor = 0;
    for (const liveness::Transition& transition : history) {
        if (transition.at_ms > now_ms) {
            break;
        }
        const std::int64_t at = std::max(transition.at_ms, from_ms);
        if (start < 0) {
            start = at;
        } else if (online) {
            online_ms += at - cursor;
        }
        cursor = at;
        online = transition.online;
    }
    if (start < 0 || now_ms <= start) {
        return std::nullopt;
    }
    if (online) {
        online_ms += now_ms - cursor;
    }
    return static_cast<double>(online_ms) / static_cast<double>(now_ms - start);
}

}  // namespace wg::web
