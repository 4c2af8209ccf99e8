#pragma once
// Device liveness, as outsiders (the web dashboard, the bridge) read it: every
// device (MQTT client id) the gateway has seen, online or offline, since when,
// why its last connection ended, the Will it holds and the last Will published
// for it, and the history of its transitions.
//
// Times are milliseconds since the Unix epoch (UTC); 0 means "never".
//
// Threading: a LivenessReader may be called from any thread, concurrently; each
// call returns a consistent snapshot (one read transaction) and never holds the
// broker up. wait_for_change() blocks the calling thread only.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wg::liveness {

// Why a device is offline: a broker::DisconnectCause name ("disconnect",
// "peer-closed", "io-error", "keep-alive-timeout", "protocol-error",
// "taken-over", "server-shutdown", "store-failure") or "gateway-restart" (it
// was connected when the gateway stopped uncleanly; its Will was published at
// the next start).
inline constexpr const char* kGatewayRestart = "gateway-restart";

struct HeldWill {
    std::string topic;
    std::uint8_t qos = 0;
    bool retain = false;
    std::uint32_t delay_seconds = 0;  // MQTT 5 Will Delay Interval
    std::uint64_t payload_size = 0;
};

struct PublishedWill {
    std::string topic;
    std::string payload;  // as published (bytes; may not be UTF-8)
    std::int64_t at_ms = 0;
};

struct DeviceStatus {
    std::string client_id;
    bool online = false;
    std::int64_t since_ms = 0;      // connected since, or offline since
    std::int64_t last_seen_ms = 0;  // last packet received (updated at most every few seconds while online)
    std::string peer;               // "address:port" of the current or last connection
    std::string username;           // empty when none was given
    std::uint8_t protocol_version = 4;  // 3 = MQTT 3.1, 4 = 3.1.1, 5 = 5.0
    std::uint16_t keep_alive = 0;
    bool clean_session = true;
    std::optional<HeldWill> will;   // held by the current (or last) connection
    std::string last_cause;         // empty until the first disconnect
    std::string last_reason;        // detail of the last disconnect
    std::optional<PublishedWill> last_will;
    std::uint64_t messages_received = 0;  // PUBLISH packets from the device, over all its connections
    std::uint64_t messages_sent = 0;      // PUBLISH packets to the device
    std::uint64_t bytes_received = 0;
    std::uint64_t bytes_sent = 0;
};

// One change of a device's state.
struct Transition {
    std::int64_t sequence = 0;  // increases with every change, across devices
    std::string client_id;
    std::int64_t at_ms = 0;
    bool online = false;
    std::string cause;   // offline: as DeviceStatus::last_cause; online: empty
    std::string reason;
    std::string peer;
    bool will_published = false;
};

class LivenessReader {
public:
    virtual ~LivenessReader() = default;

    // Every device, sorted by client id.
    virtual std::vector<DeviceStatus> devices() = 0;
    virtual std::optional<DeviceStatus> device(const std::string& client_id) = 0;

    // The device's transitions at or after `from_ms`, oldest first, preceded by
    // the last one before `from_ms` (the state the window starts in), if any.
    virtual std::vector<Transition> history(const std::string& client_id, std::int64_t from_ms) = 0;

    // The change stream: transitions with a sequence above `after`, oldest
    // first, at most `max`. Sequences only grow, so a reader that remembers the
    // last one it saw misses nothing still in the history.
    virtual std::vector<Transition> changes_after(std::int64_t after, std::size_t max) = 0;

    // The newest sequence number (0 before the first change).
    virtual std::int64_t last_sequence() = 0;

    // Blocks until a change with a sequence above `after` is readable, or
    // `timeout` passes; returns last_sequence().
    virtual std::int64_t wait_for_change(std::int64_t after, std::chrono::milliseconds timeout) = 0;

    // Drops an offline device and its history. False if it is unknown or online.
    virtual bool forget(const std::string& client_id) = 0;
};

}  // namespace wg::liveness
