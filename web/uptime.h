// Uptime of a device over a time window, from its transition history.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "willgate/liveness.h"

namespace wg::web {

// The fraction (0..1) of [from_ms, now_ms] during which the device was online, counted from
// the later of `from_ms` and its first known transition (time before the gateway first saw
// the device is not held against it). `history` is oldest first, as LivenessReader::history()
// returns it (the last transition before `from_ms` first, if any). nullopt when nothing is
// known about the window (no transitions at or before `now_ms`, or an empty window).
std::optional<double> uptime_fraction(const std::vector<liveness::Transition>& history,
                                      std::int64_t from_ms, std::int64_t now_ms);

}  // namespace wg::web
