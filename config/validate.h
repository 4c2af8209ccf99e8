// Checks a finished Config as a whole: every value against its rule (config/checks.h) and the
// rules across values (at least one listener, no two listeners on the same address and port).
// Used after command-line overrides; parse_config() has already run it on what it returns.
#pragma once

#include "config/config.h"
#include "config/config_error.h"

namespace wg::config {

// Throws ConfigError naming config.source (or "built-in defaults" when it is empty), line 0
// and the key, e.g. "listener[1]" or "limits.max_packet_size".
void validate(const Config& config);

}  // namespace wg::config
