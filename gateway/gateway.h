#pragma once
// The composition root: builds the broker and its network front from the
// configuration, runs them on the calling thread until SIGINT or SIGTERM, then
// shuts down gracefully.

#include "config/config.h"

namespace wg::gateway {

// Returns the process exit code. Throws std::exception on start-up failure
// (an address that cannot be bound, an unusable data directory).
int run(const config::Config& config);

}  // namespace wg::gateway
