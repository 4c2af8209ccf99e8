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
#include "local_broker/core/session.h"
#include "local_broker/core/subscription_tree.h"

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

// A QoS 1/2 message on its way to a stored session: queued (packet_id 0) or
// in flight. `outgoing.stored_id` orders a session's deliveries and names them
// in later calls. The message is shared and immutable: an implementation may
// keep the pointer until it has written it. Its steady-clock expiry means
// nothing across a restart, so `expires_at` carries it as wall-clock time.
struct StoredDelivery {
    OutgoingMessage outgoing;
    std::optional<WallClock::time_point> expires_at;
    std::uint16_t packet_id = 0;
    InflightState state = InflightState::AwaitPuback;
};

struct StoredSubscription {
    std::string filter;
    SubscriptionOptions options;
};

// A persistent session (3.1.1 clean session 0, MQTT 5 Session Expiry > 0).
struct StoredSession {
    std::string client_id;
    std::uint32_t expiry_interval = 0;
    std::optional<WallClock::time_point> expires_at;  // set while offline; never for kSessionNeverExpires
    std::vector<StoredSubscription> subscriptions;
    std::vector<StoredDelivery> deliveries;  // in stored_id order
    std::vector<std::uint16_t> incoming_qos2;  // QoS 2 packet ids received, PUBREL pending
};

// Everything loaded at start-up.
struct StoredState {
    std::vector<StoredWill> wills;
    std::vector<StoredRetained> retained;
    std::vector<StoredSession> sessions;
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

    // Persistent sessions. A session is stored when it is created or resumed
    // with an expiry, and again when it goes offline (with its deadline);
    // session_removed() drops it with its subscriptions, deliveries and QoS 2 ids.
    virtual void session_stored(const std::string& client_id, std::uint32_t expiry_interval,
                                std::optional<WallClock::time_point> expires_at) = 0;
    virtual void session_removed(const std::string& client_id) = 0;
    virtual void subscription_stored(const std::string& client_id, const StoredSubscription& subscription) = 0;
    virtual void subscription_removed(const std::string& client_id, const std::string& filter) = 0;
    virtual void delivery_stored(const std::string& client_id, const StoredDelivery& delivery) = 0;
    // A queued delivery went in flight, or a QoS 2 one was received (PUBREC).
    virtual void delivery_updated(const std::string& client_id, std::uint64_t stored_id, std::uint16_t packet_id,
                                  InflightState state) = 0;
    // Acknowledged, refused, expired, or handed to another member of its shared group.
    virtual void delivery_removed(const std::string& client_id, std::uint64_t stored_id) = 0;
    virtual void qos2_received(const std::string& client_id, std::uint16_t packet_id) = 0;
    virtual void qos2_released(const std::string& client_id, std::uint16_t packet_id) = 0;

    // Operations are numbered 1, 2, ... in call order: the number of the last
    // one queued. The implementation reports commits through Broker::on_persisted()
    // (posted to the event loop) with the highest number committed.
    virtual std::uint64_t last_sequence() const = 0;

    // False while commits fail (disk full, I/O error): the broker then refuses
    // what it could only acknowledge by storing it.
    virtual bool healthy() const = 0;
};

}  // namespace wg::core
