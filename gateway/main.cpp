// willgate: parse the command line, load the configuration, set up logging, run the gateway.
// Exit status: 0 success, 1 bad configuration or failure, 2 bad arguments (command_line.h).
#include <exception>
#include <iostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/log.h"
#include "config/config_error.h"
#include "gateway/command_line.h"
#include "gateway/credentials_command.h"
#include "gateway/gateway.h"
#include "gateway/passwd_command.h"

namespace {

using wg::gateway::CommandLine;

int run_gateway(const wg::config::Config& config) {
    // validate() has accepted config.log.level, so parse_level() succeeds.
    wg::log::set_level(wg::log::parse_level(config.log.level).value_or(wg::log::Level::Info));
    wg::log::info("willgate " + std::string{wg::gateway::version()} + " starting with " +
                  (config.source.empty() ? std::string{"built-in default configuration"}
                                         : "configuration " + config.source));
    try {
        return wg::gateway::run(config);
    } catch (const std::exception& error) {
        wg::log::error(std::string{"fatal: "} + error.what());
        return wg::gateway::kExitFailure;
    }
}

int willgate_main(std::span<const std::string_view> args) {
    CommandLine command_line;
    try {
        command_line = wg::gateway::parse_command_line(args);
    } catch (const wg::gateway::UsageError& error) {
        std::cerr << "willgate: " << error.what() << "\n\n" << wg::gateway::usage();
        return wg::gateway::kExitUsage;
    }

    switch (command_line.action) {
        case CommandLine::Action::Help:
            std::cout << wg::gateway::usage();
            return wg::gateway::kExitOk;
        case CommandLine::Action::Version:
            std::cout << "willgate " << wg::gateway::version() << '\n';
            return wg::gateway::kExitOk;
        case CommandLine::Action::Passwd:
            return wg::gateway::passwd_command();
        case CommandLine::Action::Credentials:
            return wg::gateway::credentials_command(command_line.credentials);
        case CommandLine::Action::CheckConfig:
        case CommandLine::Action::Run:
            break;
    }

    wg::config::Config config;
    try {
        config = wg::gateway::resolve_config(command_line);
    } catch (const wg::config::ConfigError& error) {
        std::cerr << error.what() << '\n';
        return wg::gateway::kExitFailure;
    }

    if (command_line.action == CommandLine::Action::CheckConfig) {
        std::cout << config.source << ": configuration OK\n";
        return wg::gateway::kExitOk;
    }
    return run_gateway(config);
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const std::vector<std::string_view> args(argv + 1, argv + argc);
        return willgate_main(args);
    } catch (const std::exception& error) {
        std::cerr << "willgate: " << error.what() << '\n';
        return wg::gateway::kExitFailure;
    }
}
