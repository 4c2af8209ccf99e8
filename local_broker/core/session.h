#pragma once
// A client's session (spec 4.1): its subscriptions and the state of QoS 1/2
// deliveries in both directions. A clean-session-0 session outlives its
// network connection; while offline it queues QoS 1/2 messages.
//
// Threading: owned by the broker; event-loop thread only.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <unordered_set>

#include "local_broker/codec/packet.h"
#include "local_broker/core/message.h"

namespace wg::core {

struct Connection;

// A message on its way to this session, at the QoS granted for it.
struct OutgoingMessage {
    MessagePtr message;
    codec::QoS qos = codec::QoS::AtMostOnce;
    bool retain = false;  // set for retained messages sent because of a new subscription
};

enum class InflightState : std::uint8_t { AwaitPuback, AwaitPubrec, AwaitPubcomp };

struct InflightMessage {
    std::uint16_t packet_id = 0;
    OutgoingMessage outgoing;
    InflightState state = InflightState::AwaitPuback;
};

struct Session {
    Session(std::string id, bool clean) : client_id(std::move(id)), clean_session(clean) {}

    std::string client_id;
    bool clean_session = true;
    Connection* connection = nullptr;  // null while offline

    std::map<std::string, codec::QoS, std::less<>> subscriptions;  // filter -> granted QoS

    std::deque<InflightMessage> inflight;  // sent, not yet fully acknowledged; oldest first
    std::deque<OutgoingMessage> queue;     // waiting for an in-flight slot (or for the client)
    std::size_t dropped_messages = 0;      // QoS 1/2 messages dropped because the queue was full

    std::unordered_set<std::uint16_t> incoming_qos2;  // QoS 2 packet ids received, PUBREL pending

    // Used by routing to fold several matching subscriptions into one delivery.
    std::uint64_t match_stamp = 0;
    codec::QoS match_qos = codec::QoS::AtMostOnce;

    // Next free packet identifier (1..65535) not used by an in-flight message.
    std::uint16_t allocate_packet_id();
    InflightMessage* find_inflight(std::uint16_t packet_id);
    bool erase_inflight(std::uint16_t packet_id);

private:
    std::uint16_t last_packet_id_ = 0;
};

}  // namespace wg::core
