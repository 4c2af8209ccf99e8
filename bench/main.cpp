// willgate-bench: MQTT 3.1.1 load generator for comparing brokers. One subcommand per
// scenario; each prints one line of JSON with its figures to stdout, and diagnostics to
// stderr. Exit status: 0 done, 1 the scenario could not run, 2 bad arguments.
// Single-threaded by design: see bench/README.md.
#include <signal.h>

#include <exception>
#include <iostream>
#include <span>
#include <string_view>
#include <vector>

#include "bench/mqtt_load.h"
#include "bench/scenarios.h"
#include "bench/stop_signal_report.h"

namespace {

constexpr std::string_view kUsage =
    "usage: willgate-bench SUBCOMMAND [--host 127.0.0.1] [--port 1883] [options]\n"
    "  fanin       --qos 0|1 --publishers 8 --payload 64 --seconds 5 [--window 64]\n"
    "              [--offline-subscriber] (QoS 1: the subscriber's persistent session is offline)\n"
    "  fanout      --subscribers 50 --payload 64 --seconds 5 [--window 1000]\n"
    "  latency     --rate 5000 --payload 64 --seconds 5 [--burst 1]\n"
    "  connections --count 10000 --keepalive 60 [--inflight 256] [--timeout 120]\n"
    "              (prints its line when connected, then holds until SIGTERM or stdin EOF)\n"
    "  willstorm   --count 2000 --qos 0|1 [--inflight 256] [--rst] [--quiet-ms 2000]\n"
    "Every subcommand prints one line of JSON; see bench/README.md.\n";

int dispatch_bridge(std::string_view command, wg::bench::Options& options) {
    using namespace wg::bench;
    using Run = std::string (*)(const BridgeLoadSettings&);
    Run run = nullptr;
    if (command == "bridge-forward") {
        run = run_bridge_forward;
    } else if (command == "bridge-ready") {
        run = run_bridge_ready;
    } else if (command == "bridge-publish") {
        run = run_bridge_publish;
    } else if (command == "bridge-receive") {
        run = run_bridge_receive;
    } else {
        throw UsageError{"unknown subcommand \"" + std::string{command} + "\""};
    }
    const BridgeLoadSettings settings = parse_bridge(options, command);
    options.check_all_used();
    std::cout << run(settings) << std::endl;
    return 0;
}

int dispatch(std::string_view command, wg::bench::Options& options) {
    using namespace wg::bench;
    if (command == "fanin") {
        const FaninSettings settings = parse_fanin(options);
        options.check_all_used();
        std::cout << run_fanin(settings) << std::endl;
    } else if (command == "fanout") {
        const FanoutSettings settings = parse_fanout(options);
        options.check_all_used();
        std::cout << run_fanout(settings) << std::endl;
    } else if (command == "latency") {
        const LatencySettings settings = parse_latency(options);
        options.check_all_used();
        std::cout << run_latency(settings) << std::endl;
    } else if (command == "connections") {
        const ConnectionsSettings settings = parse_connections(options);
        options.check_all_used();
        return run_connections(settings);
    } else if (command == "willstorm") {
        const WillstormSettings settings = parse_willstorm(options);
        options.check_all_used();
        std::cout << run_willstorm(settings) << std::endl;
    } else if (command.starts_with("bridge-")) {
        return dispatch_bridge(command, options);
    } else {
        throw UsageError{"unknown subcommand \"" + std::string{command} + "\""};
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    signal(SIGPIPE, SIG_IGN);
    wg::bench::install_stop_signal_report();
    wg::bench::raise_open_files_limit();
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "-h" || args[0] == "--help") {
        std::cout << kUsage;
        return args.empty() ? 2 : 0;
    }
    try {
        wg::bench::Options options(std::span{args}.subspan(1));
        return dispatch(args[0], options);
    } catch (const wg::bench::UsageError& error) {
        std::cerr << "willgate-bench: " << error.what() << "\n\n" << kUsage;
        return 2;
    } catch (const std::exception& error) {
        std::cerr << "willgate-bench: " << error.what() << '\n';
        return 1;
    }
}
