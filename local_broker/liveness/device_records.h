#pragma once
// What the liveness registry writes about devices: one record per change, as
// plain values (they cross to the store's writer thread).
//
// Times are milliseconds since the Unix epoch (UTC).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "willgate/liveness.h"

namespace wg::liveness {

// A device's connection was accepted (CONNACK sent).
struct DeviceConnection {
    std::string client_id;
    std::int64_t at_ms = 0;
    std::string peer;
    std::string username;
    std::uint8_t protocol_version = 4;
    std::uint16_t keep_alive = 0;
    bool clean_session = true;
    std::optional<HeldWill> will;
};

// What the device's current connection did so far.
struct DeviceCounters {
    std::int64_t last_seen_ms = 0;  // last packet received
    std::uint64_t messages_received = 0;
    std::uint64_t messages_sent = 0;
    std::uint64_t bytes_received = 0;
    std::uint64_t bytes_sent = 0;
};

// A connected device sent something since the last report.
struct DeviceActivity {
    std::string client_id;
    DeviceCounters counters;  // of its current connection
};

// A device's connection ended.
struct DeviceDisconnection {
    std::string client_id;
    std::int64_t at_ms = 0;
    std::string peer;
    std::string cause;  // broker::cause_name()
    std::string reason;
    bool will_published = false;
    DeviceCounters counters;  // of the connection that ended
};

// A device's Will went out.
struct DeviceWill {
    std::string client_id;
    PublishedWill will;
};

// How much history is kept: transitions older than max_age, and the oldest
// beyond max_rows, are deleted as new ones are written.
struct HistoryRetention {
    std::chrono::hours max_age{24 * 30};
    std::size_t max_rows = 100'000;
};

}  // namespace wg::liveness
