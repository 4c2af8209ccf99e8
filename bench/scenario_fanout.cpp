// fanout: one publisher on bench/fanout -> N subscribers on that topic, QoS 0.
//
// Pacing: QoS 0 has no acknowledgement, so subscriber 0 is the progress signal. Each
// payload starts with a sequence number; the publisher keeps at most `window` messages
// beyond the highest sequence number subscriber 0 has seen. A message the broker drops
// therefore cannot stall the publisher (a later one moves the mark on); if nothing arrives
// for 500 ms with the window full, the window is reopened and counted as a stall.
// The figure is deliveries/s: all messages received by all subscribers over the interval
// from the first to the last receive.
#include <stdexcept>

#include "bench/cpu_meter.h"
#include "bench/json_line.h"
#include "bench/mqtt_load.h"
#include "bench/scenarios.h"
#include "bench/session_handler.h"

namespace wg::bench {
namespace {

constexpr std::size_t kMaxQueuedBytes = 64 * 1024;
constexpr std::int64_t kStallNs = 500 * kNanosPerMilli;
constexpr char kTopic[] = "bench/fanout";

class Subscribers final : public SessionHandler {
public:
    Subscribers(EventLoop& loop, std::size_t count)
        : SessionHandler(loop, {"subscriber", "wgb-fanout-sub-", count, 60, kTopic, 0}) {}

    std::uint64_t received() const { return received_; }
    std::uint64_t highest_seen() const { return highest_seen_; }
    std::int64_t first_ns() const { return first_ns_; }
    std::int64_t last_ns() const { return last_ns_; }

private:
    void on_message(MqttClient& client, std::uint8_t header,
                    std::span<const std::uint8_t> body) override {
        if (mqtt::packet_type(header) != mqtt::PacketType::Publish) return;
        if (received_++ == 0) first_ns_ = client.last_read_ns();
        last_ns_ = client.last_read_ns();
        if (client.index() != 0) return;
        const auto publish = mqtt::parse_publish(header, body);
        if (publish && publish->payload.size() >= 8) {
            highest_seen_ = std::max(highest_seen_, mqtt::read_u64(publish->payload));
        }
    }

    std::uint64_t received_ = 0;
    std::uint64_t highest_seen_ = 0;
    std::int64_t first_ns_ = 0;
    std::int64_t last_ns_ = 0;
};

class Publisher final : public SessionHandler {
public:
    Publisher(EventLoop& loop, std::size_t payload)
        : SessionHandler(loop, {"publisher", "wgb-fanout-pub-", 1, 60, "", 0}),
          packet_{kTopic, 0, std::max<std::size_t>(payload, 8)} {}

    // Tops the window up to `window` messages beyond `highest_seen`; returns how many
    // messages it queued.
    std::uint64_t pump(std::uint64_t highest_seen, std::size_t window) {
        MqttClient& client = *clients().front();
        if (highest_seen > base_) base_ = highest_seen;
        const std::uint64_t before = sent_;
        while (sent_ - base_ < window && client.pending_output() < kMaxQueuedBytes) {
            packet_.set_payload_u64(++sent_);
            client.queue(packet_.bytes());
        }
        client.flush();
        return sent_ - before;
    }

    void reopen_window() {
        base_ = sent_;
        ++stalls_;
    }

    bool window_full(std::size_t window) const { return sent_ - base_ >= window; }
    std::uint64_t sent() const { return sent_; }
    std::uint64_t stalls() const { return stalls_; }

private:
    void on_message(MqttClient&, std::uint8_t, std::span<const std::uint8_t>) override {}

    mqtt::PublishTemplate packet_;
    std::uint64_t sent_ = 0;
    std::uint64_t base_ = 0;  // highest sequence number subscriber 0 has seen
    std::uint64_t stalls_ = 0;
};

}  // namespace

FanoutSettings parse_fanout(Options& options) {
    FanoutSettings settings;
    settings.address = parse_target(options);
    if (options.integer("qos", 0, 0, 0) != 0) throw UsageError{"fanout supports --qos 0 only"};
    settings.subscribers = static_cast<std::size_t>(options.integer("subscribers", 50, 1, 10000));
    settings.payload = static_cast<std::size_t>(options.integer("payload", 64, 8, 65000));
    settings.seconds = options.integer("seconds", 5, 1, 3600);
    settings.window = static_cast<std::size_t>(options.integer("window", 1000, 1, 1000000));
    settings.quiet_ms = options.integer("quiet-ms", 1000, 100, 60000);
    return settings;
}

std::string run_fanout(const FanoutSettings& settings) {
    EventLoop loop;
    Subscribers subscribers(loop, settings.subscribers);
    subscribers.connect_all(settings.address);
    if (!run_until(loop, monotonic_ns() + 20 * kNanosPerSecond,
                   [&] { return subscribers.all_ready(); })) {
        throw std::runtime_error{"fanout: not every subscriber got its SUBACK within 20 s"};
    }
    Publisher publisher(loop, settings.payload);
    publisher.connect_all(settings.address);
    if (!run_until(loop, monotonic_ns() + 10 * kNanosPerSecond,
                   [&] { return publisher.all_ready(); })) {
        throw std::runtime_error{"fanout: the publisher did not get its CONNACK within 10 s"};
    }

    const CpuSample cpu_start = sample_cpu();
    const std::int64_t start_ns = monotonic_ns();
    const std::int64_t end_ns = start_ns + settings.seconds * kNanosPerSecond;
    std::int64_t last_progress_ns = start_ns;
    std::uint64_t last_seen = 0;
    for (std::int64_t now = start_ns; now < end_ns; now = monotonic_ns()) {
        const bool queued = publisher.pump(subscribers.highest_seen(), settings.window) > 0;
        loop.poll(queued ? 0 : 10);
        if (subscribers.highest_seen() != last_seen) {
            last_seen = subscribers.highest_seen();
            last_progress_ns = now;
        } else if (now - last_progress_ns > kStallNs && publisher.window_full(settings.window)) {
            publisher.reopen_window();
            last_progress_ns = now;
        }
    }
    const std::int64_t stop_ns = monotonic_ns();
    run_until_quiet(loop, settings.quiet_ms * kNanosPerMilli, stop_ns + 120 * kNanosPerSecond,
                    [&] { return std::max(stop_ns, subscribers.last_ns()); });
    CpuSample cpu_end = sample_cpu();
    cpu_end.wall_ns = std::max(stop_ns, subscribers.last_ns());
    const CpuUse cpu = cpu_between(cpu_start, cpu_end);

    const std::uint64_t expected = publisher.sent() * settings.subscribers;
    const std::uint64_t received = subscribers.received();
    const double active_s = seconds_between(subscribers.first_ns(), subscribers.last_ns());
    const double send_s = seconds_between(start_ns, stop_ns);
    JsonLine json;
    json.text("scenario", "fanout")
        .integer("qos", 0)
        .integer("subscribers", static_cast<std::int64_t>(settings.subscribers))
        .integer("payload", static_cast<std::int64_t>(settings.payload))
        .integer("window", static_cast<std::int64_t>(settings.window))
        .number("send_s", send_s)
        .integer("sent", static_cast<std::int64_t>(publisher.sent()))
        .number("sent_per_s", send_s > 0 ? static_cast<double>(publisher.sent()) / send_s : 0)
        .integer("expected", static_cast<std::int64_t>(expected))
        .integer("received", static_cast<std::int64_t>(received))
        .integer("loss", static_cast<std::int64_t>(expected) - static_cast<std::int64_t>(received))
        .integer("stalls", static_cast<std::int64_t>(publisher.stalls()))
        .number("active_s", active_s)
        .number("deliveries_per_s", active_s > 0 ? static_cast<double>(received) / active_s : 0)
        .tool_cpu(cpu)
        .integer("errors", static_cast<std::int64_t>(subscribers.lost() + publisher.lost()));
    publisher.disconnect_all();
    subscribers.disconnect_all();
    return json.str();
}

}  // namespace wg::bench
