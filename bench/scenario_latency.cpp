// latency: one publisher at a fixed rate -> one subscriber, QoS 0, same topic.
//
// A timerfd fires at absolute CLOCK_MONOTONIC deadlines (period = burst / rate); each tick
// sends `burst` messages (more if the tool woke up late, so the rate holds). The first 8
// payload bytes carry CLOCK_MONOTONIC nanoseconds taken just before the send; the
// subscriber subtracts that from the time its read() returned.
#include <stdexcept>

#include "bench/cpu_meter.h"
#include "bench/json_line.h"
#include "bench/latency_stats.h"
#include "bench/mqtt_load.h"
#include "bench/scenarios.h"
#include "bench/session_handler.h"

namespace wg::bench {
namespace {

constexpr char kTopic[] = "bench/latency";

class Subscriber final : public SessionHandler {
public:
    explicit Subscriber(EventLoop& loop)
        : SessionHandler(loop, {"subscriber", "wgb-latency-sub-", 1, 60, kTopic, 0}) {}

    std::vector<std::int64_t>& samples() { return samples_; }
    std::int64_t last_ns() const { return last_ns_; }

private:
    void on_message(MqttClient& client, std::uint8_t header,
                    std::span<const std::uint8_t> body) override {
        if (mqtt::packet_type(header) != mqtt::PacketType::Publish) return;
        const auto publish = mqtt::parse_publish(header, body);
        if (!publish || publish->payload.size() < 8) return;
        last_ns_ = client.last_read_ns();
        samples_.push_back(last_ns_ - static_cast<std::int64_t>(mqtt::read_u64(publish->payload)));
    }

    std::vector<std::int64_t> samples_;
    std::int64_t last_ns_ = 0;
};

class Publisher final : public SessionHandler {
public:
    Publisher(EventLoop& loop, std::size_t payload)
        : SessionHandler(loop, {"publisher", "wgb-latency-pub-", 1, 60, "", 0}),
          packet_{kTopic, 0, std::max<std::size_t>(payload, 8)} {}

    void send(std::uint64_t count) {
        MqttClient& client = *clients().front();
        for (std::uint64_t i = 0; i < count; ++i) {
            packet_.set_payload_u64(static_cast<std::uint64_t>(monotonic_ns()));
            client.queue(packet_.bytes());
        }
        client.flush();
        sent_ += count;
    }

    std::uint64_t sent() const { return sent_; }

private:
    void on_message(MqttClient&, std::uint8_t, std::span<const std::uint8_t>) override {}

    mqtt::PublishTemplate packet_;
    std::uint64_t sent_ = 0;
};

}  // namespace

LatencySettings parse_latency(Options& options) {
    LatencySettings settings;
    settings.address = parse_target(options);
    if (options.integer("qos", 0, 0, 0) != 0) throw UsageError{"latency supports --qos 0 only"};
    settings.rate = options.integer("rate", 5000, 1, 1000000);
    settings.burst = options.integer("burst", 1, 1, 10000);
    settings.payload = static_cast<std::size_t>(options.integer("payload", 64, 8, 65000));
    settings.seconds = options.integer("seconds", 5, 1, 3600);
    settings.quiet_ms = options.integer("quiet-ms", 1000, 100, 60000);
    return settings;
}

std::string run_latency(const LatencySettings& settings) {
    EventLoop loop;
    Subscriber subscriber(loop);
    subscriber.connect_all(settings.address);
    if (!run_until(loop, monotonic_ns() + 10 * kNanosPerSecond,
                   [&] { return subscriber.all_ready(); })) {
        throw std::runtime_error{"latency: the subscriber did not get its SUBACK within 10 s"};
    }
    Publisher publisher(loop, settings.payload);
    publisher.connect_all(settings.address);
    if (!run_until(loop, monotonic_ns() + 10 * kNanosPerSecond,
                   [&] { return publisher.all_ready(); })) {
        throw std::runtime_error{"latency: the publisher did not get its CONNACK within 10 s"};
    }

    const auto burst = static_cast<std::uint64_t>(settings.burst);
    PeriodicTimer timer(loop, [&](std::uint64_t ticks) { publisher.send(ticks * burst); });
    const std::int64_t period_ns = settings.burst * kNanosPerSecond / settings.rate;
    const CpuSample cpu_start = sample_cpu();
    const std::int64_t start_ns = monotonic_ns();
    timer.start(start_ns + period_ns, period_ns);
    run_until(loop, start_ns + settings.seconds * kNanosPerSecond, [] { return false; });
    timer.stop();
    const std::int64_t stop_ns = monotonic_ns();
    run_until(loop, stop_ns + settings.quiet_ms * kNanosPerMilli,
              [&] { return subscriber.samples().size() >= publisher.sent(); });
    const CpuSample cpu_end = sample_cpu();
    const CpuUse cpu = cpu_between(cpu_start, cpu_end);

    const std::uint64_t sent = publisher.sent();
    const LatencySummary summary = summarize_latency(subscriber.samples());
    const double send_s = seconds_between(start_ns, stop_ns);
    JsonLine json;
    json.text("scenario", "latency")
        .integer("qos", 0)
        .integer("rate", settings.rate)
        .integer("payload", static_cast<std::int64_t>(settings.payload))
        .number("send_s", send_s)
        .integer("sent", static_cast<std::int64_t>(sent))
        .number("sent_per_s", send_s > 0 ? static_cast<double>(sent) / send_s : 0)
        .integer("received", static_cast<std::int64_t>(summary.count))
        .integer("loss", static_cast<std::int64_t>(sent) - static_cast<std::int64_t>(summary.count))
        .number("mean_us", summary.mean_us)
        .number("p50_us", summary.p50_us)
        .number("p90_us", summary.p90_us)
        .number("p99_us", summary.p99_us)
        .number("p999_us", summary.p999_us)
        .number("max_us", summary.max_us)
        .tool_cpu(cpu)
        .integer("errors", static_cast<std::int64_t>(subscriber.lost() + publisher.lost()));
    publisher.disconnect_all();
    subscriber.disconnect_all();
    return json.str();
}

}  // namespace wg::bench
