#include "bench/bridge_roles.h"

#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <charconv>
#include <stdexcept>

namespace wg::bench {
namespace {

constexpr std::size_t kSequenceBytes = 8;
constexpr std::int64_t kProbeIntervalNs = 100 * kNanosPerMilli;
constexpr std::string_view kTopicPrefix = "bench/";

// Publisher index of "bench/<i>", or -1.
std::int64_t topic_index(std::string_view topic) {
    if (!topic.starts_with(kTopicPrefix)) return -1;
    std::size_t index = 0;
    const char* first = topic.data() + kTopicPrefix.size();
    const char* last = topic.data() + topic.size();
    const auto [end, error] = std::from_chars(first, last, index);
    if (error != std::errc{} || end != last) return -1;
    return static_cast<std::int64_t>(index);
}

}  // namespace

std::uint64_t share_of(std::uint64_t messages, std::size_t publishers, std::size_t index) {
    return messages / publishers + (index < messages % publishers ? 1 : 0);
}

NumberedPublishers::NumberedPublishers(EventLoop& loop, std::size_t publishers, std::size_t window,
                                       std::size_t payload, std::uint64_t messages)
    : SessionHandler(loop, {"publisher", "wgb-bridge-pub-", publishers, 60, "", 0}),
      window_{window},
      total_{messages} {
    for (std::size_t i = 0; i < publishers; ++i) {
        states_.push_back(State{mqtt::PublishTemplate{std::string{kTopicPrefix} + std::to_string(i),
                                                      1, std::max(payload, kSequenceBytes)},
                                share_of(messages, publishers, i), 0});
    }
}

void NumberedPublishers::start() {
    for (auto& client : clients()) {
        State& state = states_[client->index()];
        for (std::size_t id = 1; id <= window_ && state.next < state.share; ++id)
            send_next(*client, state, static_cast<std::uint16_t>(id));
        client->flush();
    }
}

void NumberedPublishers::send_next(MqttClient& client, State& state, std::uint16_t packet_id) {
    state.packet.set_packet_id(packet_id);
    state.packet.set_payload_u64(state.next++);
    client.queue(state.packet.bytes());
    ++sent_;
}

void NumberedPublishers::on_message(MqttClient& client, std::uint8_t header,
                                    std::span<const std::uint8_t> body) {
    if (mqtt::packet_type(header) != mqtt::PacketType::Puback || body.size() < 2) return;
    ++acked_;
    last_ack_ns_ = client.last_read_ns();
    State& state = states_[client.index()];
    if (state.next < state.share) send_next(client, state, mqtt::read_u16(body));
}

ArrivalCounter::ArrivalCounter(EventLoop& loop, std::size_t publishers, std::string client_id)
    : SessionHandler(loop, {"cloud subscriber", "wgb-bridge-sub-", 1, 60, "bench/#", 1,
                            client_id.empty(), client_id}),
      topics_(publishers) {}

void ArrivalCounter::on_message(MqttClient& client, std::uint8_t header,
                                std::span<const std::uint8_t> body) {
    if (mqtt::packet_type(header) != mqtt::PacketType::Publish) return;
    const auto publish = mqtt::parse_publish(header, body);
    if (!publish) return;
    if (publish->qos > 0) client.queue(mqtt::encode_puback(publish->packet_id));
    if (publish->topic == kProbeTopic) {
        probe_seen_ = true;
        return;
    }
    const std::int64_t index = topic_index(publish->topic);
    if (index < 0 || static_cast<std::size_t>(index) >= topics_.size() ||
        publish->payload.size() < kSequenceBytes) {
        ++unknown_;
        return;
    }
    count(topics_[static_cast<std::size_t>(index)], mqtt::read_u64(publish->payload),
          client.last_read_ns());
}

void ArrivalCounter::count(Topic& topic, std::uint64_t number, std::int64_t now_ns) {
    if (number >= topic.seen.size())
        topic.seen.resize(std::max<std::uint64_t>(number + 1, topic.seen.size() * 2));
    if (topic.seen[number]) {
        ++duplicates_;
        return;
    }
    topic.seen[number] = true;
    if (topic.any && number < topic.highest) ++out_of_order_;
    topic.highest = topic.any ? std::max(topic.highest, number) : number;
    topic.any = true;
    ++distinct_;
    if (first_ns_ == 0) first_ns_ = now_ns;
    last_ns_ = now_ns;
}

Probe::Probe(EventLoop& loop)
    : SessionHandler(loop, {"probe", "wgb-bridge-probe-", 1, 60, "", 0}),
      packet_{kProbeTopic, 1, kSequenceBytes} {}

void Probe::send() {
    packet_id_ = static_cast<std::uint16_t>(packet_id_ % 65535 + 1);
    packet_.set_packet_id(packet_id_);
    for (auto& client : clients()) {
        client->queue(packet_.bytes());
        client->flush();
    }
}

void connect_and_wait(EventLoop& loop, SessionHandler& role, const sockaddr_in& address,
                      std::int64_t timeout_ns, const std::string& what) {
    role.connect_all(address);
    if (!run_until(loop, monotonic_ns() + timeout_ns, [&] { return role.all_ready(); }))
        throw std::runtime_error{what + " not connected within " +
                                 std::to_string(timeout_ns / kNanosPerSecond) + " s"};
}

std::int64_t wait_for_bridge(EventLoop& loop, Probe& probe, const ArrivalCounter& counter,
                             std::int64_t timeout_ns) {
    const std::int64_t start_ns = monotonic_ns();
    while (!counter.probe_seen()) {
        if (monotonic_ns() - start_ns > timeout_ns)
            throw std::runtime_error{
                "the edge did not forward a probe message to the cloud within " +
                std::to_string(timeout_ns / kNanosPerSecond) + " s"};
        probe.send();
        run_until(loop, monotonic_ns() + kProbeIntervalNs, [&] { return counter.probe_seen(); });
    }
    return monotonic_ns() - start_ns;
}

std::int64_t wait_until_accepting(const sockaddr_in& address, std::int64_t deadline_ns) {
    while (monotonic_ns() < deadline_ns) {
        UniqueFd fd{socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
        if (!fd.valid()) return 0;
        if (connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0)
            return monotonic_ns();
        const timespec pause{0, kNanosPerMilli};
        nanosleep(&pause, nullptr);
    }
    return 0;
}

}  // namespace wg::bench
