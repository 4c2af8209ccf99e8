#include "bench/connect_ramp.h"

#include <cerrno>

#include "bench/mqtt_load.h"

namespace wg::bench {

ConnectRamp::ConnectRamp(EventLoop& loop, const sockaddr_in& address, std::size_t count,
                         std::size_t inflight, ConnectPacket connect_packet)
    : loop_{loop},
      address_{address},
      inflight_limit_{inflight},
      connect_packet_{std::move(connect_packet)},
      states_(count, State::Idle) {
    clients_.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        clients_.push_back(std::make_unique<MqttClient>(loop_, *this, i));
    }
}

bool ConnectRamp::run(std::int64_t deadline_ns, const std::function<bool()>& stop) {
    first_start_ns_ = monotonic_ns();
    start_more();
    while (connected_ + failed_ + dropped_ < clients_.size() && !stop()) {
        const std::int64_t left_ms = (deadline_ns - monotonic_ns()) / kNanosPerMilli;
        if (left_ms <= 0) break;
        loop_.poll(static_cast<int>(left_ms < 100 ? left_ms : 100));
        start_more();
    }
    return connected_ == clients_.size();
}

void ConnectRamp::start_more() {
    while (inflight_ < inflight_limit_ && next_ < clients_.size()) {
        const std::size_t index = next_++;
        if (const int error = clients_[index]->connect(address_, false); error != 0) {
            states_[index] = State::Failed;
            ++failed_;
            if (first_error_ == 0) first_error_ = error;
            continue;
        }
        states_[index] = State::Connecting;
        ++inflight_;
    }
}

void ConnectRamp::on_connect_started(MqttClient& client) {
    client.queue(connect_packet_(client.index()));
}

void ConnectRamp::on_packet(MqttClient& client, std::uint8_t header,
                            std::span<const std::uint8_t> body) {
    if (mqtt::packet_type(header) != mqtt::PacketType::Connack ||
        states_[client.index()] != State::Connecting) {
        return;
    }
    if (body.size() < 2 || body[1] != 0) {
        client.close();
        finish(client, State::Failed, ECONNREFUSED);
        return;
    }
    last_connack_ns_ = client.last_read_ns();
    finish(client, State::Connected, 0);
}

void ConnectRamp::on_closed(MqttClient& client, int error) {
    const State state = states_[client.index()];
    if (disconnecting_) return;
    if (state == State::Connecting) {
        finish(client, State::Failed, error == 0 ? ECONNRESET : error);
    } else if (state == State::Connected) {
        states_[client.index()] = State::Dropped;
        --connected_;
        ++dropped_;
    }
}

void ConnectRamp::finish(MqttClient& client, State state, int error) {
    states_[client.index()] = state;
    --inflight_;
    if (state == State::Connected) {
        ++connected_;
    } else {
        ++failed_;
        if (first_error_ == 0) first_error_ = error;
    }
}

void ConnectRamp::ping_all() {
    for (auto& client : clients_) {
        if (!client->is_open()) continue;
        client->queue(mqtt::kPingreq);
        client->flush();
    }
}

void ConnectRamp::close_all(bool reset) {
    for (auto& client : clients_) client->close(reset);
}

void ConnectRamp::disconnect_all() {
    disconnecting_ = true;
    disconnect_gracefully(loop_, clients_, 5 * kNanosPerSecond);
}

}  // namespace wg::bench
