// The willgate command line:
//
//   willgate [--config FILE] [-p|--port PORT] [--bind ADDR] [--data-dir DIR] [--log-level LEVEL]
//            [--http-port PORT]
//   willgate --check-config FILE [overrides...]
//   willgate passwd
//   willgate credentials huawei_iotda --device-id ID --secret SECRET [--timestamp YYYYMMDDHH]
//            [--check-timestamp 0|1]
//   willgate --version
//   willgate -h|--help
//
// parse_command_line() only parses (no files are read) and throws UsageError for bad
// arguments (exit code 2). resolve_config() turns the result into the Config to run with and
// throws config::ConfigError for a bad configuration (exit code 1).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include "config/config.h"

namespace wg::gateway {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // bad configuration, or the gateway failed
inline constexpr int kExitUsage = 2;    // bad command-line arguments

// `willgate credentials PROFILE ...`: what to compute (gateway/credentials_command.h).
struct CredentialsRequest {
    std::string profile;                   // "huawei_iotda": the one profile that computes them
    std::string device_id;                 // --device-id (non-empty)
    std::string secret;                    // --secret (non-empty; "-": the first line of stdin)
    std::optional<std::string> timestamp;  // --timestamp; without it, the current UTC hour
    std::optional<bool> check_timestamp;   // --check-timestamp 0|1; else the profile's default
};

struct CommandLine {
    enum class Action { Run, CheckConfig, Version, Help, Passwd, Credentials };
    Action action = Action::Run;
    std::optional<std::string> config_file;  // --config FILE or --check-config FILE
    std::optional<std::uint16_t> port;       // -p/--port
    std::optional<std::string> bind;         // --bind
    std::optional<std::string> data_dir;     // --data-dir
    std::optional<std::string> log_level;    // --log-level
    std::optional<std::uint16_t> http_port;  // --http-port
    CredentialsRequest credentials;          // for Action::Credentials
};

class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// `args` are the arguments after the program name. Options take their value as the next
// argument or after "=" ("--port=1884"). When an option is given more than once the last one
// wins (--config and --check-config both set the file), so a wrapper script can put defaults
// first. "passwd" as the first argument asks for a password hash and takes nothing else.
// "credentials" as the first argument takes a profile name and its own options (the syntax is
// checked here; the device id, secret and timestamp themselves by the credentials command). An
// unknown option, a missing value, a value that is not valid for its option (port, address, log
// level, 0|1), a stray argument, or two different actions throw UsageError.
CommandLine parse_command_line(std::span<const std::string_view> args);

// The configuration to run with: the file from --config/--check-config (built-in defaults
// without one), then the overrides: --port and --bind replace the listeners with one listener
// (the other field from the default listener), --data-dir sets storage.data_dir, --log-level
// sets log.level, --http-port sets web.port. Throws config::ConfigError.
config::Config resolve_config(const CommandLine& command_line);

// The usage text for --help and after a usage error, ending in a newline.
std::string usage();

// The version of this build ("0.1.0"), from the project version in CMake.
std::string_view version();

}  // namespace wg::gateway
