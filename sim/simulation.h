#pragma once
// One run of willgate-sim: the event loop, the device fleet, its timers and the stop
// conditions (SIGINT/SIGTERM, --duration, no device able to connect). Prints a start line,
// a status line every --status-interval seconds and a summary to stdout; the reason it
// could not connect to stderr.

#include "sim/sim_settings.h"

namespace wg::sim {

// Returns the exit status: 0, or 1 when no device ever connected.
int run_simulation(const SimSettings& settings);

}  // namespace wg::sim
