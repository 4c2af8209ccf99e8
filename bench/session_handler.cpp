#include "bench/session_handler.h"

#include <unistd.h>

#include <cstring>
#include <iostream>
#include <stdexcept>

#include "bench/mqtt_load.h"

namespace wg::bench {

SessionHandler::SessionHandler(EventLoop& loop, RoleSettings settings)
    : loop_{loop}, settings_{std::move(settings)} {
    const std::string pid = std::to_string(getpid());
    for (std::size_t i = 0; i < settings_.count; ++i) {
        clients_.push_back(std::make_unique<MqttClient>(loop, *this, i));
        mqtt::ConnectFields fields;
        fields.client_id = settings_.client_id.empty()
                               ? settings_.client_id_base + pid + "-" + std::to_string(i)
                               : settings_.client_id;
        fields.keep_alive = settings_.keep_alive;
        fields.clean_session = settings_.clean_session;
        connect_packets_.push_back(mqtt::encode_connect(fields));
    }
    if (!settings_.filter.empty()) {
        subscribe_packet_ = mqtt::encode_subscribe(1, settings_.filter, settings_.qos);
    }
}

void SessionHandler::connect_all(const sockaddr_in& address) {
    for (auto& client : clients_) {
        if (const int error = client->connect(address); error != 0) {
            throw std::runtime_error{settings_.name + ": cannot connect: " + std::strerror(error)};
        }
    }
}

void SessionHandler::disconnect_all() {
    disconnecting_ = true;
    disconnect_gracefully(loop_, clients_, 2 * kNanosPerSecond);
}

void SessionHandler::on_connect_started(MqttClient& client) {
    client.queue(connect_packets_[client.index()]);
}

void SessionHandler::on_packet(MqttClient& client, std::uint8_t header,
                               std::span<const std::uint8_t> body) {
    switch (mqtt::packet_type(header)) {
        case mqtt::PacketType::Connack:
            if (body.size() < 2 || body[1] != 0) {
                std::cerr << settings_.name << " " << client.index() << ": CONNACK refused\n";
                client.close();
                ++lost_;
            } else if (subscribe_packet_.empty()) {
                ++ready_;
            } else {
                client.queue(subscribe_packet_);
            }
            return;
        case mqtt::PacketType::Suback:
            if (body.size() < 3 || body[2] == 0x80) {
                std::cerr << settings_.name << " " << client.index() << ": SUBACK refused\n";
                client.close();
                ++lost_;
            } else {
                ++ready_;
            }
            return;
        default:
            on_message(client, header, body);
    }
}

void SessionHandler::on_closed(MqttClient& client, int error) {
    if (disconnecting_) return;
    ++lost_;
    std::cerr << settings_.name << " " << client.index() << ": connection closed by "
              << (error == 0 ? std::string{"the broker"} : std::string{std::strerror(error)})
              << '\n';
}

}  // namespace wg::bench
