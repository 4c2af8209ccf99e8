#include <catch2/catch.hpp>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.h"
#include "gateway/command_line.h"
#include "temp_file.h"

namespace {

using wg::gateway::CommandLine;
using wg::gateway::UsageError;

constexpr const char* kExampleConfig = WILLGATE_EXAMPLE_CONFIG;

CommandLine parse(std::initializer_list<std::string_view> args) {
    const std::vector<std::string_view> list{args};
    return wg::gateway::parse_command_line(list);
}

// The message of the UsageError that parsing `args` throws.
std::string usage_error(std::initializer_list<std::string_view> args) {
    try {
        parse(args);
    } catch (const UsageError& error) {
        return error.what();
    }
    FAIL("the arguments were accepted");
    return "";
}

}  // namespace

TEST_CASE("no_arguments_run_with_the_built_in_defaults", "[unit][cli]") {
    const CommandLine command_line = parse({});
    CHECK(command_line.action == CommandLine::Action::Run);
    CHECK_FALSE(command_line.config_file);
    CHECK_FALSE(command_line.port);
    CHECK_FALSE(command_line.bind);
    CHECK_FALSE(command_line.data_dir);
    CHECK_FALSE(command_line.log_level);

    const wg::config::Config config = wg::gateway::resolve_config(command_line);
    CHECK(config.source.empty());
    REQUIRE(config.listeners.size() == 1);
    CHECK(config.listeners[0].bind == "::");
    CHECK(config.listeners[0].port == 1883);
}

TEST_CASE("port_option_replaces_the_listeners_with_one", "[unit][cli]") {
    for (const auto& args : {std::vector<std::string_view>{"-p", "1884"},
                             std::vector<std::string_view>{"--port", "1884"},
                             std::vector<std::string_view>{"--port=1884"}}) {
        const CommandLine command_line = wg::gateway::parse_command_line(args);
        REQUIRE(command_line.port == 1884);
        const wg::config::Config config = wg::gateway::resolve_config(command_line);
        REQUIRE(config.listeners.size() == 1);
        CHECK(config.listeners[0].bind == "::");
        CHECK(config.listeners[0].port == 1884);
    }
    CHECK(parse({"-p", "0"}).port == 0);
    CHECK(parse({"-p", "65535"}).port == 65535);
}

TEST_CASE("bind_option_replaces_the_listeners_with_one", "[unit][cli]") {
    const wg::config::Config config =
        wg::gateway::resolve_config(parse({"--bind", "127.0.0.1"}));
    REQUIRE(config.listeners.size() == 1);
    CHECK(config.listeners[0].bind == "127.0.0.1");
    CHECK(config.listeners[0].port == 1883);

    const wg::config::Config both =
        wg::gateway::resolve_config(parse({"--bind=::1", "-p", "0"}));
    REQUIRE(both.listeners.size() == 1);
    CHECK(both.listeners[0].bind == "::1");
    CHECK(both.listeners[0].port == 0);
}

TEST_CASE("overrides_apply_on_top_of_the_config_file", "[unit][cli]") {
    const wg::test::TempFile file{R"(
[log]
level = "warning"
[storage]
data_dir = "/from/file"
[limits]
connect_timeout = 30
[[listener]]
bind = "127.0.0.1"
port = 1884
[[listener]]
bind = "::1"
port = 1884
)"};
    const wg::config::Config from_file =
        wg::gateway::resolve_config(parse({"--config", file.path()}));
    CHECK(from_file.source == file.path());
    CHECK(from_file.listeners.size() == 2);
    CHECK(from_file.log.level == "warning");
    CHECK(from_file.storage.data_dir == "/from/file");

    const wg::config::Config overridden = wg::gateway::resolve_config(
        parse({"--config", file.path(), "-p", "1999", "--data-dir", "/tmp/wg", "--log-level",
               "debug"}));
    CHECK(overridden.source == file.path());
    REQUIRE(overridden.listeners.size() == 1);
    CHECK(overridden.listeners[0].bind == "::");
    CHECK(overridden.listeners[0].port == 1999);
    CHECK(overridden.storage.data_dir == "/tmp/wg");
    CHECK(overridden.log.level == "debug");
    CHECK(overridden.limits.connect_timeout == 30);
}

TEST_CASE("data_dir_and_log_level_options_override_only_their_key", "[unit][cli]") {
    const wg::config::Config config = wg::gateway::resolve_config(
        parse({"--data-dir", "/srv/wg", "--log-level=error"}));
    CHECK(config.storage.data_dir == "/srv/wg");
    CHECK(config.log.level == "error");
    REQUIRE(config.listeners.size() == 1);
    CHECK(config.listeners[0].port == 1883);
}

TEST_CASE("check_config_names_the_file_to_check", "[unit][cli]") {
    const CommandLine command_line = parse({"--check-config", kExampleConfig});
    CHECK(command_line.action == CommandLine::Action::CheckConfig);
    CHECK(command_line.config_file == kExampleConfig);
    CHECK(wg::gateway::resolve_config(command_line).source == kExampleConfig);
}

TEST_CASE("config_errors_surface_from_resolve_config", "[unit][cli]") {
    const wg::test::TempFile file{"[limits]\nmax_pakcet_size = 1\n"};
    CHECK_THROWS_WITH(wg::gateway::resolve_config(parse({"--check-config", file.path()})),
                      Catch::StartsWith(file.path() + ":2: limits.max_pakcet_size: unknown key"));
    CHECK_THROWS_AS(wg::gateway::resolve_config(parse({"--config", "/nonexistent/w.toml"})),
                    wg::config::ConfigError);
}

TEST_CASE("repeated_options_last_one_wins", "[unit][cli]") {
    // scripts/run passes --config and --data-dir before the user's arguments.
    const CommandLine command_line =
        parse({"--config", "a.toml", "--data-dir", "/a", "-p", "1", "--data-dir", "/b",
               "--config=b.toml", "--port", "2", "--log-level", "info", "--log-level", "debug"});
    CHECK(command_line.action == CommandLine::Action::Run);
    CHECK(command_line.config_file == "b.toml");
    CHECK(command_line.data_dir == "/b");
    CHECK(command_line.port == 2);
    CHECK(command_line.log_level == "debug");

    const CommandLine check = parse({"--config", "a.toml", "--check-config", "b.toml"});
    CHECK(check.action == CommandLine::Action::CheckConfig);
    CHECK(check.config_file == "b.toml");
    CHECK(parse({"--version", "--version"}).action == CommandLine::Action::Version);
}

TEST_CASE("version_and_help_are_actions", "[unit][cli]") {
    CHECK(parse({"--version"}).action == CommandLine::Action::Version);
    CHECK(parse({"-h"}).action == CommandLine::Action::Help);
    CHECK(parse({"--help"}).action == CommandLine::Action::Help);
    CHECK(wg::gateway::version() == WILLGATE_VERSION);
    CHECK_FALSE(wg::gateway::version().empty());
}

TEST_CASE("usage_lists_every_option", "[unit][cli]") {
    const std::string text = wg::gateway::usage();
    for (const std::string_view option : {"--config", "-p, --port", "--bind", "--data-dir",
                                          "--log-level", "--check-config", "--version", "--help"}) {
        INFO(option);
        CHECK(text.find(option) != std::string::npos);
    }
}

TEST_CASE("bad_arguments_are_usage_errors", "[unit][cli]") {
    CHECK(usage_error({"-p", "70000"}) == "-p: port 70000 is out of range (0..65535)");
    CHECK(usage_error({"--port=99999999999"}) ==
          "--port: port 99999999999 is out of range (0..65535)");
    CHECK(usage_error({"-p", "abc"}) == "-p: \"abc\" is not a port number");
    CHECK(usage_error({"-p", "-1"}) == "-p: \"-1\" is not a port number");
    CHECK(usage_error({"-p", ""}) == "-p: \"\" is not a port number");
    CHECK(usage_error({"-p", "18 83"}) == "-p: \"18 83\" is not a port number");
    CHECK(usage_error({"-p"}) == "-p needs a value");
    CHECK(usage_error({"--config"}) == "--config needs a value");
    CHECK(usage_error({"--config", ""}) == "--config needs a non-empty value");
    CHECK_THAT(usage_error({"--bind", "localhost"}),
               Catch::StartsWith("--bind: \"localhost\" is not an IPv4 or IPv6 address"));
    CHECK(usage_error({"--log-level", "loud"}) ==
          "--log-level: unknown log level \"loud\" (expected error, warning, info or debug)");
    CHECK(usage_error({"--data-dir="}) == "--data-dir: must not be empty");
    CHECK(usage_error({"--frobnicate"}) == "unknown option \"--frobnicate\"");
    CHECK(usage_error({"--frobnicate=1"}) == "unknown option \"--frobnicate\"");
    CHECK(usage_error({"-x"}) == "unknown option \"-x\"");
    CHECK(usage_error({"willgate.toml"}) == "unexpected argument \"willgate.toml\"");
    CHECK(usage_error({"--version", "--help"}) == "--help cannot be combined with --version");
    CHECK(usage_error({"--version=2"}) == "--version takes no value");
}

TEST_CASE("credentials_takes_a_profile_and_its_options", "[unit][cli]") {
    const CommandLine command_line =
        parse({"credentials", "huawei_iotda", "--device-id", "dev_1", "--secret=12345678", "--timestamp",
               "2025041401", "--check-timestamp", "0"});
    CHECK(command_line.action == CommandLine::Action::Credentials);
    CHECK(command_line.credentials.profile == "huawei_iotda");
    CHECK(command_line.credentials.device_id == "dev_1");
    CHECK(command_line.credentials.secret == "12345678");
    CHECK(command_line.credentials.timestamp == "2025041401");
    CHECK(command_line.credentials.check_timestamp == false);

    const CommandLine minimal = parse({"credentials", "huawei_iotda", "--secret", "-", "--device-id", "d"});
    CHECK(minimal.credentials.secret == "-");  // read from stdin by the command
    CHECK_FALSE(minimal.credentials.timestamp);
    CHECK_FALSE(minimal.credentials.check_timestamp);
    CHECK(parse({"credentials", "huawei_iotda", "--device-id", "a", "--device-id", "b", "--secret", "s",
                 "--check-timestamp=1"})
              .credentials.device_id == "b");  // last one wins
    CHECK(wg::gateway::usage().find("willgate credentials huawei_iotda") != std::string::npos);
}

TEST_CASE("bad_credentials_arguments_are_usage_errors", "[unit][cli]") {
    CHECK(usage_error({"credentials"}).find("needs a profile") != std::string::npos);
    CHECK(usage_error({"credentials", "--device-id", "d"}).find("needs a profile") != std::string::npos);
    CHECK(usage_error({"credentials", "aws_iot", "--device-id", "d", "--secret", "s"}).find("\"aws_iot\"") !=
          std::string::npos);
    CHECK(usage_error({"credentials", "huawei_iotda", "--secret", "s"}) == "credentials needs --device-id");
    CHECK(usage_error({"credentials", "huawei_iotda", "--device-id", "d"}) == "credentials needs --secret");
    CHECK(usage_error({"credentials", "huawei_iotda", "--device-id", "d", "--secret"}) == "--secret needs a value");
    CHECK(usage_error({"credentials", "huawei_iotda", "--device-id=", "--secret", "s"}) ==
          "--device-id needs a non-empty value");
    CHECK(usage_error({"credentials", "huawei_iotda", "--device-id", "d", "--secret", "s", "--check-timestamp", "2"})
              .find("0 or 1") != std::string::npos);
    CHECK(usage_error({"credentials", "huawei_iotda", "--device-id", "d", "--secret", "s", "--port", "1"})
              .find("unknown option \"--port\"") != std::string::npos);
    CHECK(usage_error({"credentials", "huawei_iotda", "--device-id", "d", "--secret", "s", "extra"})
              .find("unexpected argument \"extra\"") != std::string::npos);
    // Only as the first argument.
    CHECK(usage_error({"--port", "1", "credentials"}).find("unexpected argument") != std::string::npos);
}
