// Reads the TOML configuration file into a Config.
//
// Layout: the tables [log], [storage] and [limits] and an array of tables [[listener]]; every
// key is optional and defaults to the value in config.h. Without [[listener]] the single
// default listener applies. The example config/willgate.toml documents every key.
//
// Errors: everything that is wrong (a missing or unreadable file, a TOML syntax error, an
// unknown table or key, a wrong type, a value out of range, an address that is not an IP
// literal, an unknown log level, two listeners on the same address and port) throws
// ConfigError naming the file, the line and the dotted key, e.g.
//   "/etc/willgate/willgate.toml:12: limits.max_pakcet_size: unknown key (did you mean ...)".
// What these functions return has passed validate().
#pragma once

#include <string>
#include <string_view>

#include "config/config.h"
#include "config/config_error.h"

namespace wg::config {

// Config::source is set to `path`.
Config load_config_file(const std::string& path);

// Parses `toml_text`; `source_name` is the file name used in errors and Config::source.
Config parse_config(std::string_view toml_text, const std::string& source_name);

}  // namespace wg::config
