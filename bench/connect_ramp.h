#pragma once
// Opens many MQTT connections with a bounded number of CONNECTs in flight: a new TCP
// connect starts whenever one gets its CONNACK or fails, so the broker always has
// `inflight` handshakes to work on and the listen backlog is never flooded.
//
// After the ramp the connections stay open and idle; PINGRESPs and other packets are
// ignored, and a connection the broker closes counts as dropped.
// Threading: the event loop's thread. Ownership: owns its clients.

#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "bench/mqtt_load.h"

namespace wg::bench {

class ConnectRamp final : public ClientHandler {
public:
    using ConnectPacket = std::function<mqtt::Bytes(std::size_t index)>;

    ConnectRamp(EventLoop& loop, const sockaddr_in& address, std::size_t count,
                std::size_t inflight, ConnectPacket connect_packet);
    ConnectRamp(const ConnectRamp&) = delete;
    ConnectRamp& operator=(const ConnectRamp&) = delete;

    // Runs the loop until every connection has its CONNACK or failed, until deadline_ns,
    // or until stop() returns true. Returns true if every connection is accepted.
    bool run(std::int64_t deadline_ns, const std::function<bool()>& stop);

    void ping_all();
    // Closes every socket without DISCONNECT; reset = true sends RSTs.
    void close_all(bool reset);
    void disconnect_all();  // DISCONNECT, wait for the broker to close, close (disconnect.h)

    std::size_t connected() const { return connected_; }
    std::size_t failed() const { return failed_; }
    std::size_t dropped() const { return dropped_; }
    std::int64_t first_start_ns() const { return first_start_ns_; }
    std::int64_t last_connack_ns() const { return last_connack_ns_; }
    int first_error() const { return first_error_; }

    void on_connect_started(MqttClient& client) override;
    void on_packet(MqttClient& client, std::uint8_t header,
                   std::span<const std::uint8_t> body) override;
    void on_closed(MqttClient& client, int error) override;

private:
    enum class State : std::uint8_t { Idle, Connecting, Connected, Failed, Dropped };

    void start_more();
    void finish(MqttClient& client, State state, int error);

    EventLoop& loop_;
    sockaddr_in address_;
    std::size_t inflight_limit_;
    ConnectPacket connect_packet_;
    std::vector<std::unique_ptr<MqttClient>> clients_;
    std::vector<State> states_;
    std::size_t next_ = 0;
    std::size_t inflight_ = 0;
    std::size_t connected_ = 0;
    std::size_t failed_ = 0;
    std::size_t dropped_ = 0;
    int first_error_ = 0;
    bool disconnecting_ = false;
    std::int64_t first_start_ns_ = 0;
    std::int64_t last_connack_ns_ = 0;
};

}  // namespace wg::bench
