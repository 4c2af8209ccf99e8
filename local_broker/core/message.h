#pragma once
// An application message as the broker routes it: immutable once created and
// shared by every subscriber queue that holds it.

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "common/clock.h"
#include "local_broker/codec/packet.h"
#include "willgate/message_tap.h"

namespace wg::core {

struct Message {
    std::string topic;
    std::string payload;
    codec::QoS qos = codec::QoS::AtMostOnce;
    bool retain = false;
    // MQTT 5.0 properties that travel with the message (3.3.2.3): Payload Format
    // Indicator, Content Type, Response Topic, Correlation Data, User Properties.
    // Message Expiry is kept as an absolute deadline; Topic Alias and
    // Subscription Identifiers belong to each delivery, not to the message.
    codec::Properties properties;
    std::optional<std::chrono::steady_clock::time_point> expires_at;
    // A published Will. Wills are never dropped for a full queue: there is at
    // most one per connection, so max_connections bounds them.
    bool will = false;
    // The tap of the bridge a downlink message came from: never offered back to it.
    const broker::MessageTap* origin = nullptr;

    bool expired(std::chrono::steady_clock::time_point now) const { return expires_at && *expires_at <= now; }
};

using MessagePtr = std::shared_ptr<const Message>;

inline MessagePtr make_message(std::string topic, std::string payload, codec::QoS qos, bool retain) {
    return std::make_shared<const Message>(Message{std::move(topic), std::move(payload), qos, retain, {}, {}, false, nullptr});
}

// Keeps only the properties a PUBLISH forwards to subscribers and turns Message
// Expiry Interval into a deadline.
MessagePtr make_message(std::string topic, std::string payload, codec::QoS qos, bool retain,
                        codec::Properties properties, const Clock& clock, bool will = false);

constexpr codec::QoS min_qos(codec::QoS a, codec::QoS b) { return a < b ? a : b; }

}  // namespace wg::core
