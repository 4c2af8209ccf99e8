#include "sim/device_fleet.h"

#include <time.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <iostream>

#include "mqtt_load/clock.h"
#include "mqtt_load/disconnect.h"

namespace wg::sim {
namespace {

using mqtt_load::kNanosPerMilli;
using mqtt_load::kNanosPerSecond;
using mqtt_load::monotonic_ns;
using mqtt_load::MqttClient;
namespace mqtt = mqtt_load::mqtt;

constexpr std::int64_t kConnackTimeoutNs = 10 * kNanosPerSecond;
constexpr std::int64_t kTickNs = 10 * kNanosPerMilli;
constexpr std::uint16_t kMaxUnacked = 10;  // below any broker's Receive Maximum default
constexpr std::size_t kMaxPendingOutput = 64 * 1024;
constexpr std::size_t kMaxLoggedFailures = 20;
constexpr std::string_view kBirthPayload = "online";

std::int64_t to_ns(double seconds) {
    return static_cast<std::int64_t>(std::llround(seconds * static_cast<double>(kNanosPerSecond)));
}

std::int64_t unix_time_ms() {
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    return std::int64_t{now.tv_sec} * 1000 + now.tv_nsec / 1'000'000;
}

std::span<const std::uint8_t> as_bytes(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

std::string hex_code(std::uint8_t code) {
    constexpr std::string_view kDigits = "0123456789abcdef";
    return std::string{"0x"} + kDigits[code >> 4U] + kDigits[code & 0x0fU];
}

}  // namespace

DeviceFleet::DeviceFleet(mqtt_load::EventLoop& loop, const SimSettings& settings)
    : loop_{loop},
      settings_{settings},
      devices_(settings.devices),
      random_{settings.seed != 0 ? settings.seed : std::random_device{}()},
      retry_delay_ns_{to_ns(settings.reconnect_delay_s > 0 ? settings.reconnect_delay_s : 1.0)},
      reconnect_delay_ns_{to_ns(settings.reconnect_delay_s)},
      connect_burst_{std::max(1.0, settings.connect_rate * 2 * static_cast<double>(kTickNs) /
                                       static_cast<double>(kNanosPerSecond))} {
    clients_.reserve(settings.devices);
    for (std::size_t i = 0; i < settings.devices; ++i) {
        clients_.push_back(std::make_unique<MqttClient>(loop, *this, i));
    }
}

void DeviceFleet::start(std::int64_t now_ns) {
    start_ns_ = now_ns;
    last_tick_ns_ = now_ns;
    next_kill_ns_ = now_ns + to_ns(settings_.kill_interval_s);
    connect_tokens_ = connect_burst_;
    for (std::size_t i = 0; i < devices_.size(); ++i) queued_.push_back(i);
    tick(now_ns);
}

void DeviceFleet::tick(std::int64_t now_ns) {
    while (!waiting_.empty() && waiting_.front().due_ns <= now_ns) {
        const std::size_t index = waiting_.front().index;
        waiting_.pop_front();
        devices_[index].state = State::Queued;
        queued_.push_back(index);
    }

    const double elapsed_s = static_cast<double>(now_ns - last_tick_ns_) / kNanosPerSecond;
    last_tick_ns_ = now_ns;
    connect_tokens_ =
        std::min(connect_burst_, connect_tokens_ + elapsed_s * settings_.connect_rate);
    while (connect_tokens_ >= 1 && !queued_.empty()) {
        const std::size_t index = queued_.front();
        queued_.pop_front();
        connect_tokens_ -= 1;
        start_connect(index, now_ns);
    }

    if (settings_.rate > 0) {
        // Slot j is due at start + j / (N * rate): the devices take turns, evenly spread.
        const double slots = static_cast<double>(now_ns - start_ns_) / kNanosPerSecond *
                             settings_.rate * static_cast<double>(devices_.size());
        const auto due = static_cast<std::uint64_t>(slots) + 1;
        // After a stall, skip ahead instead of sending a burst: at most one round (or
        // 100 ms of messages, if more) is caught up.
        const auto per_100ms = static_cast<std::uint64_t>(
            settings_.rate * static_cast<double>(devices_.size()) / 10);
        const std::uint64_t backlog = std::max<std::uint64_t>(devices_.size(), per_100ms);
        next_slot_ = std::max(next_slot_, due > backlog ? due - backlog : 0);
        for (; next_slot_ < due; ++next_slot_) publish_telemetry(next_slot_ % devices_.size());
    }

    if (settings_.kill_fraction > 0 && now_ns >= next_kill_ns_) {
        kill_some();
        const std::int64_t interval_ns = to_ns(settings_.kill_interval_s);
        while (next_kill_ns_ <= now_ns) next_kill_ns_ += interval_ns;
    }
}

void DeviceFleet::housekeeping(std::int64_t now_ns) {
    const std::int64_t keep_alive_ns = std::int64_t{settings_.keep_alive_s} * kNanosPerSecond;
    for (std::size_t i = 0; i < devices_.size(); ++i) {
        Device& device = devices_[i];
        MqttClient& client = *clients_[i];
        if (device.state == State::Connecting && now_ns - device.since_ns > kConnackTimeoutNs) {
            client.close(true);
            attempt_failed(i, "no CONNACK within 10 s");
        } else if (device.state == State::Online && keep_alive_ns > 0) {
            if (device.ping_outstanding && now_ns - device.since_ns > keep_alive_ns) {
                client.close(true);
                connection_lost(i, "no PINGRESP within the keep-alive");
            } else if (!device.ping_outstanding &&
                       now_ns - device.last_send_ns >= keep_alive_ns / 2) {
                device.ping_outstanding = true;
                device.since_ns = now_ns;
                device.last_send_ns = now_ns;
                client.queue(mqtt::kPingreq);
                client.flush();
            }
        }
    }
}

void DeviceFleet::disconnect_all() {
    stopping_ = true;
    mqtt_load::disconnect_gracefully(loop_, clients_, 5 * kNanosPerSecond);
}

void DeviceFleet::start_connect(std::size_t index, std::int64_t now_ns) {
    Device& device = devices_[index];
    device.state = State::Connecting;
    device.since_ns = now_ns;
    if (const int error = clients_[index]->connect(settings_.address); error != 0) {
        attempt_failed(index, std::strerror(error));
    }
}

void DeviceFleet::on_connect_started(MqttClient& client) {
    const std::string id = client_id(settings_, client.index());
    mqtt::ConnectFields fields;
    fields.protocol_level = settings_.protocol_level;
    fields.client_id = id;
    fields.keep_alive = settings_.keep_alive_s;
    mqtt::Will will;
    will.topic = expand_topic(settings_.will_topic, id);
    const auto payload = as_bytes(settings_.will_payload);
    will.payload.assign(payload.begin(), payload.end());
    will.qos = settings_.will_qos;
    will.retain = settings_.will_retain;
    fields.will = std::move(will);
    client.queue(mqtt::encode_connect(fields));
}

void DeviceFleet::on_packet(MqttClient& client, std::uint8_t header,
                            std::span<const std::uint8_t> body) {
    const std::size_t index = client.index();
    Device& device = devices_[index];
    switch (mqtt::packet_type(header)) {
        case mqtt::PacketType::Connack:
            if (!stopping_ && device.state == State::Connecting) handle_connack(index, body);
            return;
        case mqtt::PacketType::Puback:
        case mqtt::PacketType::Pubcomp:
            ++stats_.acked;
            if (device.unacked > 0) --device.unacked;
            return;
        case mqtt::PacketType::Pubrec:
            if (!stopping_ && body.size() >= 2) {
                client.queue(mqtt::encode_pubrel(mqtt::read_u16(body)));
                client.flush();
            }
            return;
        case mqtt::PacketType::Pingresp:
            device.ping_outstanding = false;
            return;
        case mqtt::PacketType::Disconnect:  // MQTT 5: the broker closes the connection
            if (!stopping_ && device.state == State::Online) {
                client.close();
                connection_lost(index, "DISCONNECT from the broker, reason " +
                                           hex_code(body.empty() ? 0 : body[0]));
            }
            return;
        default:
            return;
    }
}

void DeviceFleet::handle_connack(std::size_t index, std::span<const std::uint8_t> body) {
    Device& device = devices_[index];
    MqttClient& client = *clients_[index];
    // 3.1.1: flags, return code; 5.0: flags, reason code, properties.
    const std::uint8_t code = body.size() >= 2 ? body[1] : 0xff;
    if (code != 0) {
        ++stats_.refused;
        client.close();
        attempt_failed(index, "CONNACK refused with code " + hex_code(code));
        return;
    }
    end_first_attempt(device);
    device.state = State::Online;
    device.unacked = 0;
    device.ping_outstanding = false;
    device.last_send_ns = monotonic_ns();
    ++online_;
    if (device.ever_connected) {
        ++stats_.reconnects;
    } else {
        device.ever_connected = true;
        ++ever_connected_;
    }
    if (settings_.birth) {
        ++stats_.births;
        const std::string topic = expand_topic(settings_.will_topic, client_id(settings_, index));
        publish(index, topic, as_bytes(kBirthPayload), settings_.will_qos, true);
    }
}

void DeviceFleet::publish_telemetry(std::size_t index) {
    Device& device = devices_[index];
    if (device.state != State::Online) return;
    if (device.unacked >= kMaxUnacked || clients_[index]->pending_output() > kMaxPendingOutput) {
        ++stats_.skipped;
        return;
    }
    ++device.sequence;
    // {"seq":N,"ts":MS}
    std::array<char, 64> payload{};
    char* at = payload.data();
    char* const end = payload.data() + payload.size();
    at = std::copy_n("{\"seq\":", 7, at);
    at = std::to_chars(at, end, device.sequence).ptr;
    at = std::copy_n(",\"ts\":", 6, at);
    at = std::to_chars(at, end, unix_time_ms()).ptr;
    *at++ = '}';
    ++stats_.published;
    const std::string topic = expand_topic(settings_.telemetry_topic, client_id(settings_, index));
    publish(index, topic, as_bytes({payload.data(), static_cast<std::size_t>(at - payload.data())}),
            settings_.qos, false);
}

void DeviceFleet::publish(std::size_t index, std::string_view topic,
                          std::span<const std::uint8_t> payload, std::uint8_t qos, bool retain) {
    Device& device = devices_[index];
    mqtt::PublishFields fields;
    fields.topic = topic;
    fields.payload = payload;
    fields.qos = qos;
    fields.retain = retain;
    fields.v5 = settings_.protocol_level >= mqtt::kProtocolLevel5;
    if (qos > 0) {
        if (++device.next_packet_id == 0) device.next_packet_id = 1;
        fields.packet_id = device.next_packet_id;
        ++device.unacked;
    }
    mqtt::encode_publish(fields, packet_);
    device.last_send_ns = monotonic_ns();
    MqttClient& client = *clients_[index];
    client.queue(packet_);
    client.flush();  // may end the connection: on_closed() has then run
}

void DeviceFleet::kill_some() {
    candidates_.clear();
    for (std::size_t i = 0; i < devices_.size(); ++i) {
        if (devices_[i].state == State::Online) candidates_.push_back(i);
    }
    const auto wanted = static_cast<std::size_t>(std::max<long long>(
        1, std::llround(settings_.kill_fraction * static_cast<double>(devices_.size()))));
    const std::size_t count = std::min(wanted, candidates_.size());
    const std::int64_t now_ns = monotonic_ns();
    for (std::size_t k = 0; k < count; ++k) {
        std::uniform_int_distribution<std::size_t> pick(k, candidates_.size() - 1);
        std::swap(candidates_[k], candidates_[pick(random_)]);
        const std::size_t index = candidates_[k];
        clients_[index]->close(settings_.kill_mode == KillMode::Reset);
        --online_;
        ++stats_.kills;
        if (reconnect_delay_ns_ > 0) {
            devices_[index].state = State::Waiting;
            waiting_.push_back({now_ns + reconnect_delay_ns_, index});
        } else {
            devices_[index].state = State::Offline;
        }
    }
}

void DeviceFleet::on_closed(MqttClient& client, int error) {
    if (stopping_) return;
    const std::size_t index = client.index();
    const std::string why = error == 0 ? std::string{"connection closed by the broker"}
                                       : std::string{std::strerror(error)};
    if (devices_[index].state == State::Connecting) {
        attempt_failed(index, error == 0 ? why + " before its CONNACK" : why);
    } else if (devices_[index].state == State::Online) {
        connection_lost(index, why);
    }
}

void DeviceFleet::connection_lost(std::size_t index, const std::string& why) {
    --online_;
    ++stats_.lost;
    last_failure_ = why;
    log_failure(index, why);
    retry_later(index, retry_delay_ns_);
}

void DeviceFleet::attempt_failed(std::size_t index, const std::string& why) {
    ++stats_.connect_failures;
    last_failure_ = why;
    // Before anything has connected, the summary names the cause once instead.
    if (ever_connected_ > 0) log_failure(index, "connect failed: " + why);
    end_first_attempt(devices_[index]);
    retry_later(index, retry_delay_ns_);
}

void DeviceFleet::retry_later(std::size_t index, std::int64_t delay_ns) {
    devices_[index].state = State::Waiting;
    waiting_.push_back({monotonic_ns() + delay_ns, index});
}

void DeviceFleet::end_first_attempt(Device& device) {
    if (device.first_attempt_done) return;
    device.first_attempt_done = true;
    ++first_attempts_done_;
}

void DeviceFleet::log_failure(std::size_t index, const std::string& why) {
    if (logged_failures_ >= kMaxLoggedFailures) return;
    std::cerr << "willgate-sim: " << client_id(settings_, index) << ": " << why << '\n';
    if (++logged_failures_ == kMaxLoggedFailures) {
        std::cerr << "willgate-sim: further failures are only counted\n";
    }
}

}  // namespace wg::sim
