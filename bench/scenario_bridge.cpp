// bridge-*: an edge broker forwarding bench/# to a cloud broker through its bridge.
//
// bridge-forward: a QoS 1 subscriber on the cloud, a probe through the bridge, then
// --publishers QoS 1 publishers (--window each) send --messages numbered messages to the
// edge as fast as it acknowledges them. The subscriber checks each arrival (distinct,
// duplicate, in order per topic) until all acknowledged messages arrived or nothing new
// came for --quiet-ms. Reported: PUBACKs/s at the edge, and msg/s end to end = distinct
// arrivals / (last arrival - first publish); loss = acknowledged - distinct arrivals.
//
// The outage steps (scripts/bench stops the cloud after bridge-ready and starts it again
// right after starting bridge-receive):
//   bridge-ready    the cloud subscriber's persistent session exists, the bridge carries;
//   bridge-publish  --messages published and acknowledged by the edge while the cloud is down;
//   bridge-receive  from the cloud accepting connections again to the first and the last
//                   message at the resumed session.
#include <stdexcept>
#include <string>

#include "bench/bridge_roles.h"
#include "bench/cpu_meter.h"
#include "bench/json_line.h"
#include "bench/mqtt_load.h"
#include "bench/scenarios.h"

namespace wg::bench {
namespace {

constexpr std::int64_t kConnectTimeoutNs = 10 * kNanosPerSecond;

double per_second(std::uint64_t count, double seconds) {
    return seconds > 0 ? static_cast<double>(count) / seconds : 0;
}

std::int64_t signed_count(std::uint64_t count) { return static_cast<std::int64_t>(count); }

// What the cloud subscriber saw of the numbered messages.
void arrivals_json(JsonLine& json, const ArrivalCounter& counter, std::uint64_t expected) {
    json.integer("received", signed_count(counter.distinct()))
        .integer("duplicates", signed_count(counter.duplicates()))
        .integer("out_of_order", signed_count(counter.out_of_order()))
        .integer("unknown", signed_count(counter.unknown()))
        .integer("loss", signed_count(expected) - signed_count(counter.distinct()));
}

}  // namespace

BridgeLoadSettings parse_bridge(Options& options, std::string_view command) {
    BridgeLoadSettings settings;
    settings.edge = parse_target(options);
    settings.cloud = settings.edge;
    const bool publishes = command != "bridge-receive";
    const bool receives = command != "bridge-publish";
    if (receives)
        settings.cloud.sin_port =
            htons(static_cast<std::uint16_t>(options.integer("cloud-port", 1884, 1, 65535)));
    if (publishes || receives)
        settings.publishers = static_cast<std::size_t>(options.integer("publishers", 8, 1, 1000));
    if (command == "bridge-forward" || command == "bridge-publish") {
        settings.window = static_cast<std::size_t>(options.integer("window", 64, 1, 65535));
        settings.payload = static_cast<std::size_t>(options.integer("payload", 64, 8, 65000));
    }
    if (command != "bridge-ready")
        settings.messages =
            static_cast<std::uint64_t>(options.integer("messages", 100000, 1, 100000000));
    if (command == "bridge-ready" || command == "bridge-receive") {
        settings.session = options.text("session", "wgb-bridge-cloud-sub");
        if (settings.session.empty()) throw UsageError{"--session must not be empty"};
    }
    if (command == "bridge-forward" || command == "bridge-receive")
        settings.quiet_ms = options.integer("quiet-ms", 2000, 100, 60000);
    settings.timeout_s = options.integer("timeout", 60, 1, 3600);
    return settings;
}

std::string run_bridge_forward(const BridgeLoadSettings& settings) {
    EventLoop loop;
    ArrivalCounter counter(loop, settings.publishers, "");
    connect_and_wait(loop, counter, settings.cloud, kConnectTimeoutNs,
                     "bridge-forward: the cloud subscriber");
    Probe probe(loop);
    connect_and_wait(loop, probe, settings.edge, kConnectTimeoutNs, "bridge-forward: the probe");
    const std::int64_t ready_ns =
        wait_for_bridge(loop, probe, counter, settings.timeout_s * kNanosPerSecond);
    NumberedPublishers publishers(loop, settings.publishers, settings.window, settings.payload,
                                  settings.messages);
    connect_and_wait(loop, publishers, settings.edge, kConnectTimeoutNs,
                     "bridge-forward: the publishers");

    const CpuSample cpu_start = sample_cpu();
    const std::int64_t start_ns = monotonic_ns();
    publishers.start();
    const std::int64_t quiet_ns = settings.quiet_ms * kNanosPerMilli;
    run_until(loop, start_ns + settings.timeout_s * kNanosPerSecond, [&] {
        if (!publishers.all_acked()) return false;
        if (counter.distinct() >= publishers.acked()) return true;
        return monotonic_ns() - std::max(publishers.last_ack_ns(), counter.last_ns()) >= quiet_ns;
    });
    CpuSample cpu_end = sample_cpu();
    cpu_end.wall_ns = std::max(publishers.last_ack_ns(), counter.last_ns());
    const CpuUse cpu = cpu_between(cpu_start, cpu_end);

    const double publish_s = seconds_between(start_ns, publishers.last_ack_ns());
    const double forward_s =
        counter.last_ns() > 0 ? seconds_between(start_ns, counter.last_ns()) : 0;
    JsonLine json;
    json.text("scenario", "bridge-forward")
        .integer("publishers", static_cast<std::int64_t>(settings.publishers))
        .integer("window", static_cast<std::int64_t>(settings.window))
        .integer("payload", static_cast<std::int64_t>(settings.payload))
        .number("ready_ms", static_cast<double>(ready_ns) / static_cast<double>(kNanosPerMilli))
        .integer("sent", signed_count(publishers.sent()))
        .integer("acked", signed_count(publishers.acked()))
        .number("publish_s", publish_s)
        .number("acked_per_s", per_second(publishers.acked(), publish_s))
        .number("forward_s", forward_s)
        .number("msgs_per_s", per_second(counter.distinct(), forward_s));
    arrivals_json(json, counter, publishers.acked());
    json.tool_cpu(cpu).integer(
        "errors", static_cast<std::int64_t>(counter.lost() + probe.lost() + publishers.lost()));
    publishers.disconnect_all();
    probe.disconnect_all();
    counter.disconnect_all();
    return json.str();
}

std::string run_bridge_ready(const BridgeLoadSettings& settings) {
    EventLoop loop;
    ArrivalCounter counter(loop, settings.publishers, settings.session);
    connect_and_wait(loop, counter, settings.cloud, kConnectTimeoutNs,
                     "bridge-ready: the cloud subscriber");
    Probe probe(loop);
    connect_and_wait(loop, probe, settings.edge, kConnectTimeoutNs, "bridge-ready: the probe");
    const std::int64_t ready_ns =
        wait_for_bridge(loop, probe, counter, settings.timeout_s * kNanosPerSecond);
    probe.disconnect_all();
    counter.disconnect_all();
    JsonLine json;
    json.text("scenario", "bridge-ready")
        .text("session", settings.session)
        .number("ready_ms", static_cast<double>(ready_ns) / static_cast<double>(kNanosPerMilli));
    return json.str();
}

std::string run_bridge_publish(const BridgeLoadSettings& settings) {
    EventLoop loop;
    NumberedPublishers publishers(loop, settings.publishers, settings.window, settings.payload,
                                  settings.messages);
    connect_and_wait(loop, publishers, settings.edge, kConnectTimeoutNs,
                     "bridge-publish: the publishers");
    const CpuSample cpu_start = sample_cpu();
    const std::int64_t start_ns = monotonic_ns();
    publishers.start();
    run_until(loop, start_ns + settings.timeout_s * kNanosPerSecond,
              [&] { return publishers.all_acked(); });
    CpuSample cpu_end = sample_cpu();
    cpu_end.wall_ns = std::max(start_ns, publishers.last_ack_ns());
    const double publish_s = seconds_between(start_ns, cpu_end.wall_ns);
    JsonLine json;
    json.text("scenario", "bridge-publish")
        .integer("publishers", static_cast<std::int64_t>(settings.publishers))
        .integer("window", static_cast<std::int64_t>(settings.window))
        .integer("payload", static_cast<std::int64_t>(settings.payload))
        .integer("sent", signed_count(publishers.sent()))
        .integer("acked", signed_count(publishers.acked()))
        .number("publish_s", publish_s)
        .number("acked_per_s", per_second(publishers.acked(), publish_s))
        .tool_cpu(cpu_between(cpu_start, cpu_end))
        .integer("errors", static_cast<std::int64_t>(publishers.lost()));
    publishers.disconnect_all();
    return json.str();
}

std::string run_bridge_receive(const BridgeLoadSettings& settings) {
    const std::int64_t deadline_ns = monotonic_ns() + settings.timeout_s * kNanosPerSecond;
    const std::int64_t up_ns = wait_until_accepting(settings.cloud, deadline_ns);
    if (up_ns == 0)
        throw std::runtime_error{"bridge-receive: the cloud did not accept connections within " +
                                 std::to_string(settings.timeout_s) + " s"};
    EventLoop loop;
    ArrivalCounter counter(loop, settings.publishers, settings.session);
    connect_and_wait(loop, counter, settings.cloud, kConnectTimeoutNs,
                     "bridge-receive: the cloud subscriber");
    const std::int64_t subscribed_ns = monotonic_ns();
    const std::int64_t quiet_ns = settings.quiet_ms * kNanosPerMilli;
    run_until(loop, up_ns + settings.timeout_s * kNanosPerSecond, [&] {
        if (counter.distinct() >= settings.messages) return true;
        return counter.first_ns() != 0 && monotonic_ns() - counter.last_ns() >= quiet_ns;
    });
    const bool any = counter.first_ns() != 0;
    const double drain_s = any ? seconds_between(counter.first_ns(), counter.last_ns()) : 0;
    JsonLine json;
    json.text("scenario", "bridge-receive")
        .integer("messages", signed_count(settings.messages))
        .number("subscribed_ms", seconds_between(up_ns, subscribed_ns) * 1000.0);
    if (any) {
        json.number("first_ms", seconds_between(up_ns, counter.first_ns()) * 1000.0)
            .number("last_s", seconds_between(up_ns, counter.last_ns()))
            .number("drain_s", drain_s)
            .number("drain_per_s", per_second(counter.distinct(), drain_s));
    }
    arrivals_json(json, counter, settings.messages);
    json.integer("errors", static_cast<std::int64_t>(counter.lost()));
    counter.disconnect_all();
    return json.str();
}

}  // namespace wg::bench
