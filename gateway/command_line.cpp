#include "gateway/command_line.h"

#include <charconv>
#include <utility>

#include "config/checks.h"
#include "config/config_loader.h"
#include "config/validate.h"

namespace wg::gateway {
namespace {

constexpr std::string_view kVersion = WILLGATE_VERSION;

std::uint16_t parse_port(std::string_view option, std::string_view text) {
    std::uint32_t value = 0;
    const char* const end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    if (text.empty() || error == std::errc::invalid_argument || stop != end) {
        throw UsageError{std::string{option} + ": \"" + std::string{text} +
                         "\" is not a port number"};
    }
    if (error == std::errc::result_out_of_range ||
        config::check_range(value, config::kPortRange)) {
        throw UsageError{std::string{option} + ": port " + std::string{text} +
                         " is out of range (0..65535)"};
    }
    return static_cast<std::uint16_t>(value);
}

std::string checked(std::string_view option, std::string_view value,
                    const std::optional<std::string>& problem) {
    if (problem) {
        throw UsageError{std::string{option} + ": " + *problem};
    }
    return std::string{value};
}

// Walks the arguments; each option consumes its value.
class Parser {
public:
    explicit Parser(std::span<const std::string_view> args) : args_{args} {}

    CommandLine parse() {
        if (!args_.empty() && args_[0] == "passwd") {
            if (args_.size() > 1) {
                throw UsageError{"passwd takes no arguments"};
            }
            result_.action = CommandLine::Action::Passwd;
            return std::move(result_);
        }
        if (!args_.empty() && args_[0] == "credentials") {
            parse_credentials();
            return std::move(result_);
        }
        while (next_ < args_.size()) {
            parse_one(args_[next_++]);
        }
        return std::move(result_);
    }

private:
    void parse_one(std::string_view arg) {
        std::string_view name = arg;
        std::optional<std::string_view> inline_value;
        if (const auto equals = arg.find('='); arg.starts_with("--") && equals != arg.npos) {
            name = arg.substr(0, equals);
            inline_value = arg.substr(equals + 1);
        }

        if (name == "-h" || name == "--help") {
            no_value(name, inline_value);
            set_action(CommandLine::Action::Help, name);
        } else if (name == "--version") {
            no_value(name, inline_value);
            set_action(CommandLine::Action::Version, name);
        } else if (name == "--check-config") {
            set_action(CommandLine::Action::CheckConfig, name);
            result_.config_file = non_empty(name, value(name, inline_value));
        } else if (name == "--config") {
            result_.config_file = non_empty(name, value(name, inline_value));
        } else if (name == "-p" || name == "--port") {
            result_.port = parse_port(name, value(name, inline_value));
        } else if (name == "--http-port") {
            result_.http_port = parse_port(name, value(name, inline_value));
        } else if (name == "--bind") {
            const std::string_view address = value(name, inline_value);
            result_.bind = checked(name, address, config::check_bind_address(address));
        } else if (name == "--data-dir") {
            const std::string_view dir = value(name, inline_value);
            result_.data_dir = checked(name, dir, config::check_data_dir(dir));
        } else if (name == "--log-level") {
            const std::string_view level = value(name, inline_value);
            result_.log_level = checked(name, level, config::check_log_level(level));
        } else if (arg.starts_with("-") && arg != "-") {
            throw UsageError{"unknown option \"" + std::string{name} + "\""};
        } else {
            throw UsageError{"unexpected argument \"" + std::string{arg} + "\""};
        }
    }

    // credentials PROFILE --device-id ID --secret SECRET [--timestamp T] [--check-timestamp 0|1]
    void parse_credentials() {
        result_.action = CommandLine::Action::Credentials;
        CredentialsRequest& request = result_.credentials;
        next_ = 1;
        if (next_ >= args_.size() || args_[next_].starts_with("-")) {
            throw UsageError{"credentials needs a profile: willgate credentials huawei_iotda ..."};
        }
        request.profile = std::string{args_[next_++]};
        if (request.profile != "huawei_iotda") {
            throw UsageError{"credentials: the profile \"" + request.profile +
                             "\" has no computed credentials (only huawei_iotda has)"};
        }
        while (next_ < args_.size()) {
            const std::string_view arg = args_[next_++];
            std::string_view name = arg;
            std::optional<std::string_view> inline_value;
            if (const auto equals = arg.find('='); arg.starts_with("--") && equals != arg.npos) {
                name = arg.substr(0, equals);
                inline_value = arg.substr(equals + 1);
            }
            if (name == "--device-id") {
                request.device_id = non_empty(name, value(name, inline_value));
            } else if (name == "--secret") {
                request.secret = non_empty(name, value(name, inline_value));
            } else if (name == "--timestamp") {
                request.timestamp = std::string{value(name, inline_value)};
            } else if (name == "--check-timestamp") {
                const std::string_view flag = value(name, inline_value);
                if (flag != "0" && flag != "1") {
                    throw UsageError{"--check-timestamp takes 0 or 1, not \"" + std::string{flag} + "\""};
                }
                request.check_timestamp = flag == "1";
            } else if (arg.starts_with("-")) {
                throw UsageError{"credentials: unknown option \"" + std::string{name} + "\""};
            } else {
                throw UsageError{"credentials: unexpected argument \"" + std::string{arg} + "\""};
            }
        }
        if (request.device_id.empty()) {
            throw UsageError{"credentials needs --device-id"};
        }
        if (request.secret.empty()) {
            throw UsageError{"credentials needs --secret"};
        }
    }

    std::string_view value(std::string_view name, std::optional<std::string_view> inline_value) {
        if (inline_value) {
            return *inline_value;
        }
        if (next_ >= args_.size()) {
            throw UsageError{std::string{name} + " needs a value"};
        }
        return args_[next_++];
    }

    static std::string non_empty(std::string_view name, std::string_view text) {
        if (text.empty()) {
            throw UsageError{std::string{name} + " needs a non-empty value"};
        }
        return std::string{text};
    }

    static void no_value(std::string_view name, std::optional<std::string_view> inline_value) {
        if (inline_value) {
            throw UsageError{std::string{name} + " takes no value"};
        }
    }

    void set_action(CommandLine::Action action, std::string_view name) {
        if (action_option_ && result_.action != action) {
            throw UsageError{std::string{name} + " cannot be combined with " + *action_option_};
        }
        action_option_ = std::string{name};
        result_.action = action;
    }

    std::span<const std::string_view> args_;
    std::size_t next_ = 0;
    CommandLine result_;
    std::optional<std::string> action_option_;
};

}  // namespace

CommandLine parse_command_line(std::span<const std::string_view> args) {
    return Parser{args}.parse();
}

config::Config resolve_config(const CommandLine& command_line) {
    config::Config config = command_line.config_file
                                ? config::load_config_file(*command_line.config_file)
                                : config::default_config();
    if (command_line.port || command_line.bind) {
        config::Listener listener;
        listener.bind = command_line.bind.value_or(listener.bind);
        listener.port = command_line.port.value_or(listener.port);
        config.listeners = {listener};
    }
    if (command_line.data_dir) {
        config.storage.data_dir = *command_line.data_dir;
    }
    if (command_line.log_level) {
        config.log.level = *command_line.log_level;
    }
    if (command_line.http_port) {
        config.web.port = *command_line.http_port;
    }
    config::validate(config);
    return config;
}

std::string usage() {
    return "Usage:\n"
           "  willgate [--config FILE] [-p|--port PORT] [--bind ADDR] [--data-dir DIR]\n"
           "           [--log-level LEVEL] [--http-port PORT]\n"
           "  willgate --check-config FILE\n"
           "  willgate passwd\n"
           "  willgate credentials huawei_iotda --device-id ID --secret SECRET\n"
           "           [--timestamp YYYYMMDDHH] [--check-timestamp 0|1]\n"
           "  willgate --version\n"
           "  willgate -h|--help\n"
           "\n"
           "Runs the WillGate MQTT edge gateway.\n"
           "\n"
           "Options:\n"
           "  --config FILE        read the configuration from FILE (TOML); without it the\n"
           "                       built-in defaults apply\n"
           "  -p, --port PORT      listen on PORT only (0 = any free port); replaces the\n"
           "                       configured listeners with one\n"
           "  --bind ADDR          listen on the IP address ADDR only (\"::\" = all, \"0.0.0.0\" =\n"
           "                       all IPv4); replaces the configured listeners with one\n"
           "  --data-dir DIR       directory for durable state (storage.data_dir)\n"
           "  --log-level LEVEL    error, warning, info or debug (log.level)\n"
           "  --http-port PORT     serve the dashboard on PORT (web.port; 0 = any free port)\n"
           "  --check-config FILE  check FILE and exit: 0 if it is valid, 1 if not\n"
           "  --version            print the version and exit\n"
           "  -h, --help           print this help and exit\n"
           "\n"
           "willgate passwd reads a password (twice, without echo, from a terminal; else one\n"
           "line from stdin) and prints its hash for password_hash in [[web.user]].\n"
           "\n"
           "willgate credentials huawei_iotda prints the MQTT credentials the gateway uses to\n"
           "connect to Huawei Cloud IoTDA as device ID with its SECRET, so that they can be tried\n"
           "with any other MQTT client: three lines client_id=..., username=... and password=...\n"
           "The timestamp is the current UTC hour unless --timestamp gives one. With\n"
           "--check-timestamp 1 (the default) the platform accepts them only during that hour,\n"
           "with 0 at any time. --secret - reads the secret from the first line of stdin, which\n"
           "keeps it out of the process list and the shell history.\n"
           "\n"
           "Exit status: 0 success, 1 bad configuration or failure, 2 bad arguments.\n";
}

std::string_view version() { return kVersion; }

}  // namespace wg::gateway
