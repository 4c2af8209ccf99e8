// willgate-sim: simulated field devices for an MQTT broker (see README.md, "Device
// simulator"). Exit status: 0 done, 1 no device could connect (or another failure),
// 2 bad arguments. Single-threaded: one epoll loop drives every device.
#include <signal.h>

#include <exception>
#include <iostream>
#include <span>
#include <string_view>
#include <vector>

#include "mqtt_load/options.h"
#include "sim/sim_settings.h"
#include "sim/simulation.h"

int main(int argc, char** argv) {
    signal(SIGPIPE, SIG_IGN);
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    for (const std::string_view arg : args) {
        if (arg == "-h" || arg == "--help") {
            std::cout << wg::sim::kUsage;
            return 0;
        }
    }
    try {
        wg::mqtt_load::Options options{std::span{args}};
        const wg::sim::SimSettings settings = wg::sim::parse_settings(options);
        options.check_all_used();
        return wg::sim::run_simulation(settings);
    } catch (const wg::mqtt_load::UsageError& error) {
        std::cerr << "willgate-sim: " << error.what()
                  << "\n(willgate-sim --help lists the options)\n";
        return 2;
    } catch (const std::exception& error) {
        std::cerr << "willgate-sim: " << error.what() << '\n';
        return 1;
    }
}
