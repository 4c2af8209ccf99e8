#pragma once
// Base handler for a group of clients playing one role (publishers, subscribers, ...).
// It sends each client's pre-encoded CONNECT, then its SUBSCRIBE if the role has a topic
// filter, and counts clients that are ready (CONNACK accepted, SUBACK granted). Later
// packets go to on_message(). Connections that fail or that the broker closes are counted
// and logged to stderr once each.
//
// Threading: the event loop's thread. Ownership: owns its clients; they live as long as it.

#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "bench/mqtt_load.h"

namespace wg::bench {

struct RoleSettings {
    std::string name;            // for messages: "publisher", "subscriber", ...
    std::string client_id_base;  // client i is <client_id_base><pid>-<i>
    std::size_t count = 1;
    std::uint16_t keep_alive = 60;
    std::string filter;    // subscribe to this after CONNACK; empty: no subscription
    std::uint8_t qos = 0;  // subscription QoS
    bool clean_session = true;
    std::string client_id;  // if set (one client only): this exact id, e.g. to resume a session
};

class SessionHandler : public ClientHandler {
public:
    SessionHandler(EventLoop& loop, RoleSettings settings);
    SessionHandler(const SessionHandler&) = delete;
    SessionHandler& operator=(const SessionHandler&) = delete;

    // Starts every connection; throws std::runtime_error if a socket cannot be created.
    void connect_all(const sockaddr_in& address);
    void disconnect_all();  // DISCONNECT, wait for the broker to close, close (disconnect.h)

    bool all_ready() const { return ready_ == clients_.size(); }
    std::size_t ready() const { return ready_; }
    std::size_t lost() const { return lost_; }  // failed or closed by the broker
    std::vector<std::unique_ptr<MqttClient>>& clients() { return clients_; }

    void on_connect_started(MqttClient& client) override;
    void on_packet(MqttClient& client, std::uint8_t header,
                   std::span<const std::uint8_t> body) override;
    void on_closed(MqttClient& client, int error) override;

protected:
    ~SessionHandler() = default;
    virtual void on_message(MqttClient& client, std::uint8_t header,
                            std::span<const std::uint8_t> body) = 0;

private:
    EventLoop& loop_;
    RoleSettings settings_;
    std::vector<std::unique_ptr<MqttClient>> clients_;
    std::vector<mqtt::Bytes> connect_packets_;
    mqtt::Bytes subscribe_packet_;
    std::size_t ready_ = 0;
    std::size_t lost_ = 0;
    bool disconnecting_ = false;
};

}  // namespace wg::bench
