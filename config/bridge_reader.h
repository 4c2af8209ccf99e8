// Reads the [[bridge]] tables (with their [[bridge.forward]] rules) into Config::bridges,
// throwing ConfigError with the file, line and key of the first mistake.
#pragma once

#include <string>

#include <toml++/toml.h>

#include "config/config.h"

namespace wg::config {

// Call after [storage] is read: a bridge needs the database.
void read_bridges(const std::string& file, const toml::table& root, Config& config);

}  // namespace wg::config
