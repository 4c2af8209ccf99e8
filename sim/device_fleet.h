#pragma once
// The simulated devices: one MQTT client connection each, with a Will, a birth message
// after each CONNACK, telemetry at a fixed rate, keep-alive pings, and kills (an abrupt
// close without DISCONNECT, so the broker publishes the Will) followed by a reconnect.
//
// Threading: the event loop's thread only; the caller's timers call tick() and
// housekeeping(). Ownership: owns every device's connection for the whole run.
//
// Memory: a device is a 32-byte record plus an idle MqttClient (its output queue and
// partial-packet buffer are empty between packets); topics and packets are built when sent.
//
// Errors: a connection that fails, is refused (CONNACK code != 0), is closed by the broker
// or gets no CONNACK within 10 s is counted and tried again after the reconnect delay
// (1 s if that is 0). Unexpected losses of devices that were connected are logged to
// stderr, the first 20 of them.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "mqtt_load/event_loop.h"
#include "mqtt_load/mqtt_client.h"
#include "mqtt_load/mqtt_packets.h"
#include "sim/sim_settings.h"

namespace wg::sim {

struct FleetStats {
    std::uint64_t published = 0;  // telemetry messages sent
    std::uint64_t acked = 0;      // PUBACKs and PUBCOMPs received (telemetry and births)
    std::uint64_t births = 0;
    std::uint64_t kills = 0;
    std::uint64_t reconnects = 0;  // CONNACKs accepted for devices that had been connected
    std::uint64_t lost = 0;        // connected devices whose connection ended otherwise
    std::uint64_t refused = 0;     // CONNACKs with a code other than 0
    std::uint64_t connect_failures = 0;  // TCP connect failed, closed or no CONNACK in time
    std::uint64_t skipped = 0;  // telemetry not sent: output backed up or too many unacked
};

class DeviceFleet final : public mqtt_load::ClientHandler {
public:
    DeviceFleet(mqtt_load::EventLoop& loop, const SimSettings& settings);
    DeviceFleet(const DeviceFleet&) = delete;
    DeviceFleet& operator=(const DeviceFleet&) = delete;

    // Queues every device for its first connect; the telemetry and kill clocks start now.
    void start(std::int64_t now_ns);
    // Every few milliseconds: reconnects that are due, new connects within --connect-rate,
    // telemetry that is due, kills that are due.
    void tick(std::int64_t now_ns);
    // Keep-alive PINGREQs, missing PINGRESPs and CONNACK timeouts; about once a second.
    void housekeeping(std::int64_t now_ns);
    // DISCONNECT to every open connection (a pending CONNECT included), then wait for the
    // broker to close them (at most 5 s), so no Will is published.
    void disconnect_all();

    std::size_t online() const { return online_; }
    std::size_t size() const { return devices_.size(); }
    std::size_t ever_connected() const { return ever_connected_; }
    // Every device has tried once and none has ever been connected.
    bool gave_up() const { return ever_connected_ == 0 && first_attempts_done_ == devices_.size(); }
    const std::string& last_failure() const { return last_failure_; }
    const FleetStats& stats() const { return stats_; }

    void on_connect_started(mqtt_load::MqttClient& client) override;
    void on_packet(mqtt_load::MqttClient& client, std::uint8_t header,
                   std::span<const std::uint8_t> body) override;
    void on_closed(mqtt_load::MqttClient& client, int error) override;

private:
    enum class State : std::uint8_t { Waiting, Queued, Connecting, Online, Offline };

    struct Device {
        std::int64_t since_ns = 0;      // Connecting: connect start; Online: PINGREQ sent
        std::int64_t last_send_ns = 0;  // Online: last packet sent (keep-alive)
        std::uint32_t sequence = 0;     // last telemetry sequence number, across reconnects
        std::uint16_t next_packet_id = 0;
        std::uint16_t unacked = 0;
        State state = State::Queued;
        bool ever_connected = false;
        bool first_attempt_done = false;
        bool ping_outstanding = false;
    };
    static_assert(sizeof(Device) <= 32, "thousands of devices must stay cheap");

    struct Retry {
        std::int64_t due_ns;
        std::size_t index;
    };

    void start_connect(std::size_t index, std::int64_t now_ns);
    void handle_connack(std::size_t index, std::span<const std::uint8_t> body);
    void publish_telemetry(std::size_t index);
    void publish(std::size_t index, std::string_view topic, std::span<const std::uint8_t> payload,
                 std::uint8_t qos, bool retain);
    void kill_some();
    // The connection ended without a kill: count it, log it, try again later.
    void connection_lost(std::size_t index, const std::string& why);
    void attempt_failed(std::size_t index, const std::string& why);
    void retry_later(std::size_t index, std::int64_t delay_ns);
    void end_first_attempt(Device& device);
    void log_failure(std::size_t index, const std::string& why);

    mqtt_load::EventLoop& loop_;
    const SimSettings& settings_;
    std::vector<Device> devices_;
    std::vector<std::unique_ptr<mqtt_load::MqttClient>> clients_;
    std::deque<Retry> waiting_;  // in due order: every entry waits the same delay
    std::deque<std::size_t> queued_;
    std::vector<std::size_t> candidates_;  // kill_some()'s scratch
    std::vector<std::uint8_t> packet_;     // the packet being encoded
    std::mt19937_64 random_;

    std::int64_t start_ns_ = 0;
    std::int64_t last_tick_ns_ = 0;
    std::int64_t next_kill_ns_ = 0;
    std::int64_t retry_delay_ns_ = 0;
    std::int64_t reconnect_delay_ns_ = 0;
    double connect_tokens_ = 0;
    double connect_burst_ = 1;
    std::uint64_t next_slot_ = 0;  // telemetry: slot j belongs to device j % N
    std::size_t online_ = 0;
    std::size_t ever_connected_ = 0;
    std::size_t first_attempts_done_ = 0;
    std::size_t logged_failures_ = 0;
    bool stopping_ = false;
    std::string last_failure_;
    FleetStats stats_;
};

}  // namespace wg::sim
