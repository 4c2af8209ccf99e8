// connections: open N connections (CONNECT pipelined, `inflight` at a time), print the
// JSON line as soon as all have their CONNACK (or the ramp gave up), then hold them idle
// until SIGTERM/SIGINT or the end of stdin, so the caller can sample the broker's memory.
// While idle each connection sends a PINGREQ every keep_alive / 2 seconds. On the way out
// a summary (how many the broker dropped while idle) goes to stderr.
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <string>

#include "bench/connect_ramp.h"
#include "bench/cpu_meter.h"
#include "bench/json_line.h"
#include "bench/mqtt_load.h"
#include "bench/scenarios.h"

namespace wg::bench {

ConnectionsSettings parse_connections(Options& options) {
    ConnectionsSettings settings;
    settings.address = parse_target(options);
    settings.count = static_cast<std::size_t>(options.integer("count", 10000, 1, 1000000));
    settings.keep_alive = static_cast<std::uint16_t>(options.integer("keepalive", 60, 0, 65535));
    settings.inflight = static_cast<std::size_t>(options.integer("inflight", 256, 1, 100000));
    settings.timeout_s = options.integer("timeout", 120, 1, 3600);
    return settings;
}

int run_connections(const ConnectionsSettings& settings) {
    EventLoop loop;
    StopRequest stop(loop);
    const std::string base = "wgb-conn-" + std::to_string(getpid()) + "-";
    ConnectRamp ramp(loop, settings.address, settings.count, settings.inflight,
                     [&](std::size_t index) {
                         mqtt::ConnectFields fields;
                         fields.client_id = base + std::to_string(index);
                         fields.keep_alive = settings.keep_alive;
                         return mqtt::encode_connect(fields);
                     });

    const CpuSample cpu_start = sample_cpu();
    ramp.run(monotonic_ns() + settings.timeout_s * kNanosPerSecond,
             [&] { return stop.requested(); });
    const CpuSample cpu_end = sample_cpu();
    const double ramp_s = seconds_between(ramp.first_start_ns(),
                                          std::max(ramp.first_start_ns(), ramp.last_connack_ns()));
    const CpuUse cpu = cpu_between(cpu_start, cpu_end);

    JsonLine json;
    json.text("scenario", "connections")
        .integer("count", static_cast<std::int64_t>(settings.count))
        .integer("keepalive", settings.keep_alive)
        .integer("inflight", static_cast<std::int64_t>(settings.inflight))
        .integer("connected", static_cast<std::int64_t>(ramp.connected()))
        .integer("failed", static_cast<std::int64_t>(ramp.failed()))
        .text("first_error", ramp.first_error() == 0 ? "" : std::strerror(ramp.first_error()))
        .number("ramp_s", ramp_s)
        .number("connects_per_s", ramp_s > 0 ? static_cast<double>(ramp.connected()) / ramp_s : 0)
        .tool_cpu(cpu)
        .integer("pid", getpid());
    std::cout << json.str() << std::endl;
    if (ramp.connected() == 0) return 1;  // nothing to hold

    PeriodicTimer pinger(loop, [&](std::uint64_t) { ramp.ping_all(); });
    if (settings.keep_alive > 0) {
        const std::int64_t period_ns = std::int64_t{settings.keep_alive} * kNanosPerSecond / 2;
        pinger.start(monotonic_ns() + period_ns, period_ns);
    }
    const std::int64_t hold_start_ns = monotonic_ns();
    while (!stop.requested()) loop.poll(1000);
    std::cerr << "connections: held " << ramp.connected() << " for "
              << seconds_between(hold_start_ns, monotonic_ns()) << " s; " << ramp.dropped()
              << " closed by the broker meanwhile\n";
    ramp.disconnect_all();
    return ramp.dropped() == 0 ? 0 : 1;
}

}  // namespace wg::bench
