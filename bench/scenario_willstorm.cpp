// willstorm: a watcher subscribes to will/# at --qos; N clients connect (pipelined), each
// with a QoS 1 Will on will/<i> (16-byte payload). Once all have their CONNACK, every socket
// is closed in one tight loop without DISCONNECT: a plain close() (FIN) by default, with an
// RST (SO_LINGER 0) with --rst. Either way the broker must publish the Will. With FIN the
// broker tears its side down on its own CPU; with RST the kernel does both ends' teardown
// inside the tool's close() calls, which makes the close loop itself about twice as slow.
//
// Reported: storm_ms, from the first close() to the last Will the watcher received;
// close_ms, how long the close loop took; after_close_ms, how long after the last close()
// the last Will arrived (how far the broker lagged behind); distinct Wills and duplicates.
// The watcher waits until all N arrived plus a short grace period for duplicates, or until
// nothing has arrived for --quiet-ms.
#include <unistd.h>

#include <charconv>
#include <cstring>
#include <stdexcept>
#include <string>

#include "bench/connect_ramp.h"
#include "bench/cpu_meter.h"
#include "bench/json_line.h"
#include "bench/mqtt_load.h"
#include "bench/scenarios.h"
#include "bench/session_handler.h"

namespace wg::bench {
namespace {

constexpr std::size_t kWillPayloadSize = 16;
constexpr std::int64_t kDuplicateGraceNs = 200 * kNanosPerMilli;

class Watcher final : public SessionHandler {
public:
    Watcher(EventLoop& loop, std::uint8_t qos, std::size_t count)
        : SessionHandler(loop, {"watcher", "wgb-will-watch-", 1, 60, "will/#", qos}),
          seen_(count, 0) {}

    std::size_t distinct() const { return distinct_; }
    std::size_t duplicates() const { return duplicates_; }
    std::size_t unknown() const { return unknown_; }
    std::int64_t last_ns() const { return last_ns_; }

private:
    void on_message(MqttClient& client, std::uint8_t header,
                    std::span<const std::uint8_t> body) override {
        if (mqtt::packet_type(header) != mqtt::PacketType::Publish) return;
        const auto publish = mqtt::parse_publish(header, body);
        if (!publish) return;
        if (publish->qos > 0) client.queue(mqtt::encode_puback(publish->packet_id));
        last_ns_ = client.last_read_ns();
        std::size_t index = 0;
        const std::string_view topic = publish->topic;
        const auto [end, error] =
            topic.size() > 5 ? std::from_chars(topic.data() + 5, topic.data() + topic.size(), index)
                             : std::from_chars_result{topic.data(), std::errc::invalid_argument};
        if (!topic.starts_with("will/") || error != std::errc{} || index >= seen_.size()) {
            ++unknown_;
            return;
        }
        if (seen_[index]++ == 0) {
            ++distinct_;
        } else {
            ++duplicates_;
        }
    }

    std::vector<std::uint32_t> seen_;
    std::size_t distinct_ = 0;
    std::size_t duplicates_ = 0;
    std::size_t unknown_ = 0;
    std::int64_t last_ns_ = 0;
};

}  // namespace

WillstormSettings parse_willstorm(Options& options) {
    WillstormSettings settings;
    settings.address = parse_target(options);
    settings.count = static_cast<std::size_t>(options.integer("count", 2000, 1, 1000000));
    settings.qos = static_cast<std::uint8_t>(options.integer("qos", 0, 0, 1));
    settings.inflight = static_cast<std::size_t>(options.integer("inflight", 256, 1, 100000));
    settings.reset = options.flag("rst");
    settings.quiet_ms = options.integer("quiet-ms", 2000, 100, 60000);
    settings.timeout_s = options.integer("timeout", 60, 1, 3600);
    return settings;
}

std::string run_willstorm(const WillstormSettings& settings) {
    EventLoop loop;
    Watcher watcher(loop, settings.qos, settings.count);
    watcher.connect_all(settings.address);
    if (!run_until(loop, monotonic_ns() + 10 * kNanosPerSecond,
                   [&] { return watcher.all_ready(); })) {
        throw std::runtime_error{"willstorm: the watcher did not get its SUBACK within 10 s"};
    }
    const std::string base = "wgb-will-" + std::to_string(getpid()) + "-";
    ConnectRamp ramp(
        loop, settings.address, settings.count, settings.inflight, [&](std::size_t index) {
            mqtt::ConnectFields fields;
            fields.client_id = base + std::to_string(index);
            fields.will =
                mqtt::Will{"will/" + std::to_string(index), mqtt::Bytes(kWillPayloadSize, 'w'), 1};
            return mqtt::encode_connect(fields);
        });
    const std::int64_t deadline_ns = monotonic_ns() + settings.timeout_s * kNanosPerSecond;
    ramp.run(deadline_ns, [] { return false; });
    if (ramp.connected() == 0) {
        throw std::runtime_error{"willstorm: no client connected (" +
                                 std::string{std::strerror(ramp.first_error())} + ")"};
    }
    const double connect_s = seconds_between(ramp.first_start_ns(), ramp.last_connack_ns());
    const std::size_t early_wills = watcher.distinct();  // Wills before the storm: failures

    const CpuSample cpu_start = sample_cpu();
    const std::int64_t close_start_ns = monotonic_ns();
    ramp.close_all(settings.reset);
    const std::int64_t close_end_ns = monotonic_ns();
    const std::size_t expected = ramp.connected();
    run_until(loop, deadline_ns + 60 * kNanosPerSecond, [&] {
        const std::int64_t now = monotonic_ns();
        const std::int64_t last = std::max(close_end_ns, watcher.last_ns());
        if (watcher.distinct() >= expected + early_wills) return now - last >= kDuplicateGraceNs;
        return now - last >= settings.quiet_ms * kNanosPerMilli;
    });
    CpuSample cpu_end = sample_cpu();
    cpu_end.wall_ns = std::max(close_end_ns, watcher.last_ns());
    const CpuUse cpu = cpu_between(cpu_start, cpu_end);

    const bool any = watcher.distinct() > early_wills;
    JsonLine json;
    json.text("scenario", "willstorm")
        .integer("count", static_cast<std::int64_t>(settings.count))
        .integer("qos", settings.qos)
        .text("close", settings.reset ? "rst" : "fin")
        .integer("connected", static_cast<std::int64_t>(ramp.connected()))
        .integer("failed", static_cast<std::int64_t>(ramp.failed()))
        .number("connect_s", connect_s)
        .number("close_ms", seconds_between(close_start_ns, close_end_ns) * 1000.0)
        .number("storm_ms", any ? seconds_between(close_start_ns, watcher.last_ns()) * 1000.0 : 0)
        .number("after_close_ms",
                any ? std::max(0.0, seconds_between(close_end_ns, watcher.last_ns()) * 1000.0) : 0)
        .integer("wills_distinct", static_cast<std::int64_t>(watcher.distinct()))
        .integer("wills_missing", static_cast<std::int64_t>(settings.count) -
                                      static_cast<std::int64_t>(watcher.distinct()))
        .integer("wills_duplicate", static_cast<std::int64_t>(watcher.duplicates()))
        .integer("wills_before_close", static_cast<std::int64_t>(early_wills))
        .integer("wills_unknown", static_cast<std::int64_t>(watcher.unknown()))
        .tool_cpu(cpu)
        .integer("errors", static_cast<std::int64_t>(watcher.lost()));
    watcher.disconnect_all();
    return json.str();
}

}  // namespace wg::bench
