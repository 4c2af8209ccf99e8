#pragma once
// What the broker keeps in durable storage, and what it gets back at start-up.
// The broker core depends only on this interface; local_broker/store
// implements it with SQLite.
//
// Threading: the broker calls these on its event-loop thread. They must not
// block: an implementation queues them and commits them in groups a few
// milliseconds apart, in call order. Errors are reported through the log by the
// implementation; the broker goes on.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "local_broker/codec/packet.h"

namespace wg::core {

using WallClock = std::chrono::system_clock;

// A Will as stored: held for a live connection, or pending (its connection
// ended; it goes out at `due`).
struct StoredWill {
    std::string client_id;
    codec::Will will;
    std::chrono::seconds delay{0};
    std::optional<WallClock::time_point> due;  // set once released
};

struct StoredRetained {
    std::string topic;
    std::string payload;
    codec::QoS qos = codec::QoS::AtMostOnce;
    codec::Properties properties;  // the forwarded ones (see Message)
    std::optional<WallClock::time_point> expires_at;
};

// Everything loaded at start-up.
struct StoredState {
    std::vector<StoredWill> wills;
    std::vector<StoredRetained> retained;
};

class Persistence {
public:
    virtual ~Persistence() = default;

    // A Will held for a live connection of `client_id` (replaces any stored one).
    virtual void will_held(const std::string& client_id, const codec::Will& will, std::chrono::seconds delay) = 0;
    // Its connection ended without DISCONNECT: the Will goes out at `due`.
    virtual void will_pending(const std::string& client_id, WallClock::time_point due) = 0;
    // Published, discarded (DISCONNECT) or cancelled (reconnect within the delay).
    virtual void will_removed(const std::string& client_id) = 0;

    // The retained message of a topic was set, or cleared.
    virtual void retained_set(const StoredRetained& retained) = 0;
    virtual void retained_cleared(const std::string& topic) = 0;

    // Operations are numbered 1, 2, ... in call order: the number of the last
    // one queued. The implementation reports commits through Broker::on_persisted()
    // (posted to the event loop) with the highest number committed.
    virtual std::uint64_t last_sequence() const = 0;

    // False while commits fail (disk full, I/O error): the broker then refuses
    // what it could only acknowledge by storing it.
    virtual bool healthy() const = 0;
};

}  // namespace wg::core
