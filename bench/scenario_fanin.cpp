// fanin: N publishers on bench/<i> -> one subscriber on bench/#.
//
// QoS 0: each publisher writes a pre-built chunk of identical PUBLISH packets straight from
// memory whenever its socket is writable, so only TCP flow control (i.e. the broker's
// reading speed) limits it. At the end it completes the packet it is in the middle of, so
// "sent" counts whole packets the broker got.
// QoS 1: each publisher keeps at most `window` PUBLISHes unacknowledged; a PUBACK for id k
// sends the next message with the same id k. The subscriber PUBACKs every message.
// --offline-subscriber (QoS 1): the subscriber's persistent session is offline while the
// publishers run; the figure is PUBACKs per second, and the subscriber drains afterwards.
#include <stdexcept>

#include "bench/cpu_meter.h"
#include "bench/json_line.h"
#include "bench/mqtt_load.h"
#include "bench/scenarios.h"
#include "bench/session_handler.h"

namespace wg::bench {
namespace {

constexpr std::size_t kChunkBytes = 64 * 1024;
constexpr int kWritesPerWakeup = 4;

class Subscriber final : public SessionHandler {
public:
    Subscriber(EventLoop& loop, std::uint8_t qos, bool clean_session = true)
        : SessionHandler(loop, {"subscriber", "wgb-fanin-sub-", 1, 60, "bench/#", qos, clean_session}) {}

    std::uint64_t received() const { return received_; }
    std::int64_t first_ns() const { return first_ns_; }
    std::int64_t last_ns() const { return last_ns_; }

private:
    void on_message(MqttClient& client, std::uint8_t header,
                    std::span<const std::uint8_t> body) override {
        if (mqtt::packet_type(header) != mqtt::PacketType::Publish) return;
        const auto publish = mqtt::parse_publish(header, body);
        if (!publish) return;
        if (publish->qos > 0) client.queue(mqtt::encode_puback(publish->packet_id));
        if (received_++ == 0) first_ns_ = client.last_read_ns();
        last_ns_ = client.last_read_ns();
    }

    std::uint64_t received_ = 0;
    std::int64_t first_ns_ = 0;
    std::int64_t last_ns_ = 0;
};

class Publishers final : public SessionHandler {
public:
    Publishers(EventLoop& loop, const FaninSettings& settings)
        : SessionHandler(loop, {"publisher", "wgb-fanin-pub-", settings.publishers, 60, "", 0}),
          qos_{settings.qos},
          window_{settings.window} {
        for (std::size_t i = 0; i < settings.publishers; ++i) {
            State state{
                mqtt::PublishTemplate{"bench/" + std::to_string(i), qos_, settings.payload}};
            const std::size_t copies = std::max<std::size_t>(1, kChunkBytes / state.packet.size());
            for (std::size_t k = 0; k < copies; ++k) {
                state.chunk.insert(state.chunk.end(), state.packet.bytes().begin(),
                                   state.packet.bytes().end());
            }
            states_.push_back(std::move(state));
        }
    }

    void start() {
        for (auto& client : clients()) {
            if (qos_ == 0) {
                client->want_writable(true);
                continue;
            }
            State& state = states_[client->index()];
            for (std::size_t id = 1; id <= window_; ++id)
                send_next(*client, state, static_cast<std::uint16_t>(id));
            client->flush();
        }
    }

    void stop() {
        stopping_ = true;
        for (auto& client : clients()) {
            if (client->is_open() && qos_ == 0) on_writable(*client);
        }
    }

    // True once no publisher is in the middle of a packet (QoS 0); a closed one is done.
    bool idle() {
        for (const auto& client : clients()) {
            if (client->is_open() && !states_[client->index()].done) return false;
        }
        return true;
    }

    std::uint64_t sent() const {
        std::uint64_t total = 0;
        for (const State& state : states_) {
            total += qos_ == 0 ? state.bytes_written / state.packet.size() : state.queued;
        }
        return total;
    }

    std::uint64_t acked() const {
        std::uint64_t total = 0;
        for (const State& state : states_) total += state.acked;
        return total;
    }

    std::uint64_t unacked() const {
        std::uint64_t total = 0;
        for (const State& state : states_) total += state.queued - state.acked;
        return total;
    }

private:
    struct State {
        mqtt::PublishTemplate packet;
        mqtt::Bytes chunk;  // QoS 0: whole packets back to back
        std::uint64_t bytes_written = 0;
        std::uint64_t queued = 0;
        std::uint64_t acked = 0;
        bool done = false;
    };

    void send_next(MqttClient& client, State& state, std::uint16_t packet_id) {
        state.packet.set_packet_id(packet_id);
        client.queue(state.packet.bytes());
        ++state.queued;
    }

    void on_message(MqttClient& client, std::uint8_t header,
                    std::span<const std::uint8_t> body) override {
        if (mqtt::packet_type(header) != mqtt::PacketType::Puback || body.size() < 2) return;
        State& state = states_[client.index()];
        ++state.acked;
        if (!stopping_) send_next(client, state, mqtt::read_u16(body));
    }

    void on_writable(MqttClient& client) override {
        State& state = states_[client.index()];
        const std::size_t packet_size = state.packet.size();
        for (int i = 0; i < kWritesPerWakeup; ++i) {
            const std::size_t position = state.bytes_written % state.chunk.size();
            std::size_t length = state.chunk.size() - position;
            if (stopping_) {
                length = (packet_size - state.bytes_written % packet_size) % packet_size;
                if (length == 0) {
                    state.done = true;
                    client.want_writable(false);
                    return;
                }
            }
            const std::size_t written =
                client.write_direct(std::span{state.chunk}.subspan(position, length));
            state.bytes_written += written;
            if (written < length) return;
        }
    }

    std::uint8_t qos_;
    std::size_t window_;
    bool stopping_ = false;
    std::vector<State> states_;
};

}  // namespace

FaninSettings parse_fanin(Options& options) {
    FaninSettings settings;
    settings.address = parse_target(options);
    settings.qos = static_cast<std::uint8_t>(options.integer("qos", 0, 0, 1));
    settings.publishers = static_cast<std::size_t>(options.integer("publishers", 8, 1, 1000));
    settings.payload = static_cast<std::size_t>(options.integer("payload", 64, 0, 65000));
    settings.seconds = options.integer("seconds", 5, 1, 3600);
    settings.window = static_cast<std::size_t>(options.integer("window", 64, 1, 65535));
    settings.quiet_ms = options.integer("quiet-ms", 1000, 100, 60000);
    settings.offline_subscriber = options.flag("offline-subscriber");
    if (settings.offline_subscriber && settings.qos != 1) throw UsageError{"--offline-subscriber needs --qos 1"};
    return settings;
}

namespace {

// The figures every fanin line starts with: what was run.
JsonLine settings_json(const FaninSettings& settings) {
    JsonLine json;
    json.text("scenario", "fanin")
        .integer("qos", settings.qos)
        .integer("publishers", static_cast<std::int64_t>(settings.publishers))
        .integer("payload", static_cast<std::int64_t>(settings.payload))
        .integer("window", static_cast<std::int64_t>(settings.window));
    return json;
}

void connect_role(EventLoop& loop, SessionHandler& role, const sockaddr_in& address, const char* what) {
    role.connect_all(address);
    if (!run_until(loop, monotonic_ns() + 10 * kNanosPerSecond, [&] { return role.all_ready(); })) {
        throw std::runtime_error{std::string{"fanin: "} + what + " not ready within 10 s"};
    }
}

// Publishers against an offline persistent session, then the drain.
std::string run_fanin_offline(const FaninSettings& settings) {
    EventLoop loop;
    {
        Subscriber subscriber(loop, settings.qos, false);
        connect_role(loop, subscriber, settings.address, "the subscriber (first connection)");
        subscriber.disconnect_all();
    }
    Publishers publishers(loop, settings);
    connect_role(loop, publishers, settings.address, "the publishers");

    const CpuSample cpu_start = sample_cpu();
    const std::int64_t start_ns = monotonic_ns();
    publishers.start();
    run_until(loop, start_ns + settings.seconds * kNanosPerSecond, [] { return false; });
    publishers.stop();
    run_until(loop, monotonic_ns() + 30 * kNanosPerSecond, [&] { return publishers.unacked() == 0; });
    const std::int64_t stop_ns = monotonic_ns();
    CpuSample cpu_end = sample_cpu();
    cpu_end.wall_ns = stop_ns;
    const CpuUse cpu = cpu_between(cpu_start, cpu_end);
    const std::uint64_t acked = publishers.acked();
    publishers.disconnect_all();

    Subscriber drain(loop, settings.qos, false);
    connect_role(loop, drain, settings.address, "the subscriber (reconnection)");
    const std::int64_t drain_start_ns = monotonic_ns();
    run_until(loop, drain_start_ns + 120 * kNanosPerSecond, [&] { return drain.received() >= acked; });
    run_until_quiet(loop, settings.quiet_ms * kNanosPerMilli, monotonic_ns() + 30 * kNanosPerSecond,
                    [&] { return std::max(drain_start_ns, drain.last_ns()); });
    const double drain_s = seconds_between(drain_start_ns, drain.last_ns());
    const double send_s = seconds_between(start_ns, stop_ns);
    JsonLine json = settings_json(settings);
    json.integer("offline_subscriber", 1)
        .number("send_s", send_s)
        .integer("sent", static_cast<std::int64_t>(publishers.sent()))
        .integer("acked", static_cast<std::int64_t>(acked))
        .integer("received", static_cast<std::int64_t>(drain.received()))
        .integer("loss", static_cast<std::int64_t>(acked) - static_cast<std::int64_t>(drain.received()))
        .number("acked_per_s", send_s > 0 ? static_cast<double>(acked) / send_s : 0)
        .number("drain_s", drain_s)
        .number("drain_per_s", drain_s > 0 ? static_cast<double>(drain.received()) / drain_s : 0)
        .tool_cpu(cpu)
        .integer("errors", static_cast<std::int64_t>(drain.lost() + publishers.lost()));
    drain.disconnect_all();
    return json.str();
}

}  // namespace

std::string run_fanin(const FaninSettings& settings) {
    if (settings.offline_subscriber) return run_fanin_offline(settings);
    EventLoop loop;
    Subscriber subscriber(loop, settings.qos);
    subscriber.connect_all(settings.address);
    if (!run_until(loop, monotonic_ns() + 10 * kNanosPerSecond,
                   [&] { return subscriber.all_ready(); })) {
        throw std::runtime_error{"fanin: the subscriber did not get its SUBACK within 10 s"};
    }
    Publishers publishers(loop, settings);
    publishers.connect_all(settings.address);
    if (!run_until(loop, monotonic_ns() + 10 * kNanosPerSecond,
                   [&] { return publishers.all_ready(); })) {
        throw std::runtime_error{"fanin: the publishers did not all get a CONNACK within 10 s"};
    }

    const CpuSample cpu_start = sample_cpu();
    const std::int64_t start_ns = monotonic_ns();
    publishers.start();
    run_until(loop, start_ns + settings.seconds * kNanosPerSecond, [] { return false; });
    publishers.stop();
    if (settings.qos == 0) {
        run_until(loop, monotonic_ns() + 10 * kNanosPerSecond, [&] { return publishers.idle(); });
    }
    const std::int64_t stop_ns = monotonic_ns();
    run_until_quiet(loop, settings.quiet_ms * kNanosPerMilli, stop_ns + 120 * kNanosPerSecond,
                    [&] { return std::max(stop_ns, subscriber.last_ns()); });
    CpuSample cpu_end = sample_cpu();
    cpu_end.wall_ns = std::max(stop_ns, subscriber.last_ns());
    const CpuUse cpu = cpu_between(cpu_start, cpu_end);

    const std::uint64_t sent = publishers.sent();
    const std::uint64_t received = subscriber.received();
    const double active_s = seconds_between(subscriber.first_ns(), subscriber.last_ns());
    const double send_s = seconds_between(start_ns, stop_ns);
    JsonLine json = settings_json(settings);
    json.number("send_s", send_s)
        .integer("sent", static_cast<std::int64_t>(sent))
        .integer("received", static_cast<std::int64_t>(received))
        .integer("loss", static_cast<std::int64_t>(sent) - static_cast<std::int64_t>(received))
        .integer("unacked", settings.qos > 0 ? static_cast<std::int64_t>(publishers.unacked()) : 0)
        .number("sent_per_s", send_s > 0 ? static_cast<double>(sent) / send_s : 0)
        .number("active_s", active_s)
        .number("msgs_per_s", active_s > 0 ? static_cast<double>(received) / active_s : 0)
        .tool_cpu(cpu)
        .integer("errors", static_cast<std::int64_t>(subscriber.lost() + publishers.lost()));
    publishers.disconnect_all();
    subscriber.disconnect_all();
    return json.str();
}

}  // namespace wg::bench
