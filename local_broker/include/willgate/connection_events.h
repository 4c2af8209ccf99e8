#pragma once
// Connection events: the port through which outsiders (the liveness registry,
// metrics) learn that a device connected or disconnected, and why.
//
// Threading: observers are called on the broker's event-loop thread, after the
// broker's own state has changed; they must return quickly (copy what they need
// and hand it to their own thread). They must not call back into the broker.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wg::broker {

// Why a client's network connection ended.
enum class DisconnectCause : std::uint8_t {
    ClientDisconnect,  // the client sent DISCONNECT: the Will is discarded
    PeerClosed,        // the client closed the socket without DISCONNECT
    IoError,           // read/write error, connection reset
    KeepAliveTimeout,  // nothing received for 1.5 x Keep Alive
    ProtocolError,     // the broker closed it for a protocol violation (reason says which)
    SessionTakenOver,  // a new connection with the same client id replaced it
    ServerShutdown,    // the gateway is stopping
    ConnectTimeout,    // no CONNECT within the deadline (never reported as a disconnect of a session)
    StoreFailure,      // what it sent could not be stored, so it could not be acknowledged
};

constexpr std::string_view cause_name(DisconnectCause cause) {
    switch (cause) {
        case DisconnectCause::ClientDisconnect: return "disconnect";
        case DisconnectCause::PeerClosed: return "peer-closed";
        case DisconnectCause::IoError: return "io-error";
        case DisconnectCause::KeepAliveTimeout: return "keep-alive-timeout";
        case DisconnectCause::ProtocolError: return "protocol-error";
        case DisconnectCause::SessionTakenOver: return "taken-over";
        case DisconnectCause::ServerShutdown: return "server-shutdown";
        case DisconnectCause::ConnectTimeout: return "connect-timeout";
        case DisconnectCause::StoreFailure: return "store-failure";
    }
    return "unknown";
}

struct WillSummary {
    std::string topic;
    std::uint8_t qos = 0;
    bool retain = false;
    std::uint32_t delay_seconds = 0;  // MQTT 5 Will Delay Interval
    std::size_t payload_size = 0;
};

struct ConnectedEvent {
    std::string client_id;
    std::string username;  // empty when none was given
    std::string peer;      // "address:port" ("[v6]:port" for IPv6)
    std::uint8_t protocol_version = 4;  // 3 = MQTT 3.1, 4 = 3.1.1, 5 = 5.0
    std::uint16_t keep_alive = 0;
    bool clean_session = true;
    bool session_present = false;
    std::optional<WillSummary> will;
};

// What one connection did: when its last packet arrived and what it carried.
struct ConnectionActivity {
    std::chrono::system_clock::time_point last_seen;
    std::uint64_t messages_received = 0;  // PUBLISH packets from the client on this connection
    std::uint64_t messages_sent = 0;      // PUBLISH packets to it
    std::uint64_t bytes_received = 0;
    std::uint64_t bytes_sent = 0;
};

// A connected client sent packets since the last report (Broker::report_activity()).
struct ActivityEvent {
    const std::string& client_id;
    ConnectionActivity activity;
};

struct DisconnectedEvent {
    std::string client_id;
    std::string peer;
    DisconnectCause cause = DisconnectCause::PeerClosed;
    std::string reason;  // detail, e.g. "Malformed Packet: remaining length over 4 bytes"
    bool will_published = false;
    bool will_delayed = false;  // MQTT 5: the Will waits for its Will Delay Interval
    ConnectionActivity activity;  // over the whole connection
};

// A Will went out: its connection ended without DISCONNECT (reported before that
// connection's DisconnectedEvent), its delay ran out, its session ended, or it
// belonged to a connection lost with the previous run (at start-up).
struct WillPublishedEvent {
    const std::string& client_id;
    const std::string& topic;
    const std::string& payload;
    std::uint8_t qos = 0;
    bool retain = false;
};

class ConnectionObserver {
public:
    virtual ~ConnectionObserver() = default;
    virtual void on_connected(const ConnectedEvent& event) = 0;
    virtual void on_disconnected(const DisconnectedEvent& event) = 0;
    virtual void on_will_published(const WillPublishedEvent& /*event*/) {}
    virtual void on_activity(const ActivityEvent& /*event*/) {}
};

}  // namespace wg::broker
