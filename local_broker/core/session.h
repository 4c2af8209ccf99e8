#pragma once
// A client's session (spec 4.1): its subscriptions and the state of QoS 1/2
// deliveries in both directions. A session outlives its network connection
// for its expiry interval (3.1.1 clean session 0: for ever; MQTT 5 Session
// Expiry Interval); while offline it queues QoS 1/2 messages.
//
// Threading: owned by the broker; event-loop thread only.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "local_broker/codec/packet.h"
#include "local_broker/core/message.h"
#include "local_broker/core/message_queue.h"
#include "local_broker/core/subscription_tree.h"

namespace wg::core {

struct Connection;

inline constexpr std::uint32_t kSessionNeverExpires = 0xFFFFFFFF;

// A message on its way to this session, at the QoS granted for it.
struct OutgoingMessage {
    MessagePtr message;
    codec::QoS qos = codec::QoS::AtMostOnce;
    bool retain = false;  // the RETAIN flag this delivery carries
    std::vector<std::uint32_t> subscription_identifiers;
    std::string shared_name;  // "$share/..." when delivered through a shared subscription
    std::uint64_t stored_id = 0;  // its number in durable storage (stored sessions), else 0
};

enum class InflightState : std::uint8_t { AwaitPuback, AwaitPubrec, AwaitPubcomp };

struct InflightMessage {
    std::uint16_t packet_id = 0;
    OutgoingMessage outgoing;
    InflightState state = InflightState::AwaitPuback;
};

struct Session {
    Session(std::string id, std::uint32_t expiry) : client_id(std::move(id)), expiry_interval(expiry) {}

    // (Field order: no padding, one per session; 8-byte fields together, the
    // small ones at the end.)
    std::string client_id;
    std::uint32_t expiry_interval = 0;  // seconds the session outlives its connection
    std::uint32_t dropped_messages = 0;  // messages dropped because the client could not keep up
    std::optional<std::chrono::steady_clock::time_point> expires_at;  // set while offline
    Connection* connection = nullptr;  // null while offline

    std::map<std::string, SubscriptionOptions, std::less<>> subscriptions;  // filter as subscribed

    // Sent, not yet fully acknowledged; oldest first. At most the in-flight window.
    std::vector<InflightMessage> inflight;
    LazyQueue<OutgoingMessage> queue;  // waiting for an in-flight slot (or for the client)

    // Flow control: publishers paused because this client cannot keep up.
    // Created when that first happens; most sessions never need it.
    struct Congestion {
        std::vector<std::uint64_t> waiting_publishers;  // connection ids
        std::chrono::steady_clock::time_point since;
    };
    std::unique_ptr<Congestion> congestion;

    // QoS 2 packet ids received from the client, PUBREL pending. Created on the
    // first QoS 2 PUBLISH.
    std::unique_ptr<std::unordered_set<std::uint16_t>> incoming_qos2;
    bool awaiting_pubrel(std::uint16_t packet_id) const { return incoming_qos2 && incoming_qos2->count(packet_id); }
    std::size_t awaiting_pubrel_count() const { return incoming_qos2 ? incoming_qos2->size() : 0; }

    // Used by routing to fold several matching subscriptions into one delivery.
    std::uint64_t match_stamp = 0;
    // Durable storage: the number of the last delivery stored for this session.
    std::uint64_t last_stored_id = 0;
    std::vector<std::uint32_t> match_subscription_identifiers;
    codec::QoS match_qos = codec::QoS::AtMostOnce;
    bool match_retain_as_published = false;

    bool slow = false;  // held its publishers back too long: overflow is dropped instead
    bool stored = false;  // the session is in the durable store (it has an expiry)

    // Next free packet identifier (1..65535) not used by an in-flight message.
    std::uint16_t allocate_packet_id();
    InflightMessage* find_inflight(std::uint16_t packet_id);
    bool erase_inflight(std::uint16_t packet_id);

private:
    std::uint16_t last_packet_id_ = 0;
};

}  // namespace wg::core
