#include "sim/simulation.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>

#include "mqtt_load/clock.h"
#include "mqtt_load/event_loop.h"
#include "mqtt_load/periodic_timer.h"
#include "mqtt_load/stop_request.h"
#include "mqtt_load/tcp.h"
#include "sim/device_fleet.h"

namespace wg::sim {
namespace {

using mqtt_load::kNanosPerMilli;
using mqtt_load::kNanosPerSecond;
using mqtt_load::monotonic_ns;

constexpr std::int64_t kTickNs = 10 * kNanosPerMilli;

std::int64_t to_ns(double seconds) {
    return static_cast<std::int64_t>(std::llround(seconds * static_cast<double>(kNanosPerSecond)));
}

std::string target(const SimSettings& settings) {
    std::array<char, INET_ADDRSTRLEN> text{};
    inet_ntop(AF_INET, &settings.address.sin_addr, text.data(), text.size());
    return std::string{text.data()} + ":" + std::to_string(settings.port);
}

std::string seconds_text(double seconds) {
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%.1fs", seconds);
    return text.data();
}

// The counters as key=value pairs, the same in the status lines and the summary.
std::string counters(const DeviceFleet& fleet) {
    const FleetStats& stats = fleet.stats();
    std::ostringstream line;
    line << "connected=" << fleet.online() << '/' << fleet.size()
         << " published=" << stats.published << " acked=" << stats.acked
         << " births=" << stats.births << " kills=" << stats.kills
         << " reconnects=" << stats.reconnects << " lost=" << stats.lost
         << " refused=" << stats.refused << " connect_failures=" << stats.connect_failures
         << " skipped=" << stats.skipped;
    return line.str();
}

void print_start(const SimSettings& s) {
    std::cout << "willgate-sim: " << s.devices << " devices -> " << target(s) << " (MQTT "
              << (s.protocol_level == 5 ? "5.0" : "3.1.1") << "), telemetry " << s.rate
              << "/s each at QoS " << int{s.qos};
    if (s.kill_fraction > 0) {
        std::cout << ", killing " << s.kill_fraction * 100 << "% every " << s.kill_interval_s
                  << " s (" << (s.kill_mode == KillMode::Reset ? "reset" : "close") << "), ";
        if (s.reconnect_delay_s > 0) {
            std::cout << "back after " << s.reconnect_delay_s << " s";
        } else {
            std::cout << "they stay offline";
        }
    }
    std::cout << std::endl;
}

}  // namespace

int run_simulation(const SimSettings& settings) {
    const std::uint64_t open_files = mqtt_load::raise_open_files_limit();
    if (open_files != 0 && settings.devices + 32 > open_files) {
        std::cerr << "willgate-sim: warning: the open files limit (" << open_files
                  << ") is too low for " << settings.devices << " devices (ulimit -n)\n";
    }
    mqtt_load::EventLoop loop;
    mqtt_load::StopRequest stop(loop, mqtt_load::StopRequest::Stdin::Ignored);
    DeviceFleet fleet(loop, settings);
    print_start(settings);

    const std::int64_t start_ns = monotonic_ns();
    const std::int64_t end_ns = settings.duration_s > 0 ? start_ns + to_ns(settings.duration_s) : 0;
    const auto over = [&](std::int64_t now_ns) { return end_ns != 0 && now_ns >= end_ns; };
    const auto elapsed = [&] { return mqtt_load::seconds_between(start_ns, monotonic_ns()); };

    mqtt_load::PeriodicTimer ticker(loop, [&](std::uint64_t) {
        const std::int64_t now_ns = monotonic_ns();
        if (!over(now_ns)) fleet.tick(now_ns);  // no kill at the very end
    });
    mqtt_load::PeriodicTimer housekeeper(
        loop, [&](std::uint64_t) { fleet.housekeeping(monotonic_ns()); });
    mqtt_load::PeriodicTimer reporter(loop, [&](std::uint64_t) {
        std::cout << "willgate-sim: t=" << seconds_text(elapsed()) << ' ' << counters(fleet)
                  << std::endl;
    });
    // Pings go out at half the keep-alive, so look at least four times per keep-alive.
    const std::int64_t housekeeping_ns =
        settings.keep_alive_s > 0
            ? std::clamp(std::int64_t{settings.keep_alive_s} * kNanosPerSecond / 4,
                         100 * kNanosPerMilli, kNanosPerSecond)
            : kNanosPerSecond;
    const std::int64_t status_ns = to_ns(settings.status_interval_s);
    fleet.start(start_ns);
    ticker.start(start_ns + kTickNs, kTickNs);
    housekeeper.start(start_ns + housekeeping_ns, housekeeping_ns);
    reporter.start(start_ns + status_ns, status_ns);

    while (!stop.requested() && !over(monotonic_ns()) && !fleet.gave_up()) loop.poll(100);

    ticker.stop();
    housekeeper.stop();
    reporter.stop();
    const double run_s = elapsed();
    const std::size_t online_at_end = fleet.online();
    fleet.disconnect_all();
    std::cout << "willgate-sim: summary: duration=" << seconds_text(run_s)
              << " devices=" << settings.devices << " ever_connected=" << fleet.ever_connected()
              << " online_at_end=" << online_at_end << ' ' << counters(fleet) << std::endl;
    if (fleet.ever_connected() == 0) {
        std::cerr << "willgate-sim: cannot connect to " << target(settings) << ": "
                  << (fleet.last_failure().empty() ? std::string{"no CONNACK"}
                                                   : fleet.last_failure())
                  << " (no device connected)\n";
        return 1;
    }
    return 0;
}

}  // namespace wg::sim
