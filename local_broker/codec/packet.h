#pragma once
// The MQTT packet model: one struct per control packet, shared by every
// protocol version. Fields that only MQTT 5.0 carries are added to these same
// structs (properties, reason codes); the codec decides per version what goes
// on the wire. Plain values: no I/O, no ownership beyond the strings.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "local_broker/codec/reason_code.h"

namespace wg::codec {

enum class ProtocolVersion : std::uint8_t { Mqtt31 = 3, Mqtt311 = 4, Mqtt5 = 5 };

enum class QoS : std::uint8_t { AtMostOnce = 0, AtLeastOnce = 1, ExactlyOnce = 2 };

enum class PacketType : std::uint8_t {
    Connect = 1,
    Connack = 2,
    Publish = 3,
    Puback = 4,
    Pubrec = 5,
    Pubrel = 6,
    Pubcomp = 7,
    Subscribe = 8,
    Suback = 9,
    Unsubscribe = 10,
    Unsuback = 11,
    Pingreq = 12,
    Pingresp = 13,
    Disconnect = 14,
    Auth = 15,
};

struct Will {
    std::string topic;
    std::string payload;  // may be empty
    QoS qos = QoS::AtMostOnce;
    bool retain = false;

    bool operator==(const Will&) const = default;
};

struct Connect {
    std::string protocol_name = "MQTT";  // "MQTT" (3.1.1, 5.0) or "MQIsdp" (3.1)
    ProtocolVersion version = ProtocolVersion::Mqtt311;
    bool clean_session = true;
    std::uint16_t keep_alive = 0;  // seconds; 0 disables keep-alive
    std::string client_id;
    std::optional<Will> will;
    std::optional<std::string> username;
    std::optional<std::string> password;  // binary data

    bool operator==(const Connect&) const = default;
};

struct Connack {
    bool session_present = false;
    ReasonCode reason = ReasonCode::Success;  // mapped to a 3.1.1 return code on encode

    bool operator==(const Connack&) const = default;
};

struct Publish {
    std::string topic;
    std::string payload;
    QoS qos = QoS::AtMostOnce;
    bool retain = false;
    bool dup = false;
    std::uint16_t packet_id = 0;  // only for QoS 1 and 2

    bool operator==(const Publish&) const = default;
};

struct Puback {
    std::uint16_t packet_id = 0;
    ReasonCode reason = ReasonCode::Success;
    bool operator==(const Puback&) const = default;
};
struct Pubrec {
    std::uint16_t packet_id = 0;
    ReasonCode reason = ReasonCode::Success;
    bool operator==(const Pubrec&) const = default;
};
struct Pubrel {
    std::uint16_t packet_id = 0;
    ReasonCode reason = ReasonCode::Success;
    bool operator==(const Pubrel&) const = default;
};
struct Pubcomp {
    std::uint16_t packet_id = 0;
    ReasonCode reason = ReasonCode::Success;
    bool operator==(const Pubcomp&) const = default;
};

struct TopicSubscription {
    std::string filter;
    QoS qos = QoS::AtMostOnce;
    bool operator==(const TopicSubscription&) const = default;
};

struct Subscribe {
    std::uint16_t packet_id = 0;
    std::vector<TopicSubscription> subscriptions;
    bool operator==(const Subscribe&) const = default;
};

struct Suback {
    std::uint16_t packet_id = 0;
    // One per requested filter: Success / GrantedQoS1 / GrantedQoS2, or an
    // error code (3.1.1 sends every error as 0x80).
    std::vector<ReasonCode> reasons;
    bool operator==(const Suback&) const = default;
};

struct Unsubscribe {
    std::uint16_t packet_id = 0;
    std::vector<std::string> filters;
    bool operator==(const Unsubscribe&) const = default;
};

struct Unsuback {
    std::uint16_t packet_id = 0;
    std::vector<ReasonCode> reasons;  // MQTT 5.0 only; not sent for 3.1/3.1.1
    bool operator==(const Unsuback&) const = default;
};

struct Pingreq {
    bool operator==(const Pingreq&) const = default;
};
struct Pingresp {
    bool operator==(const Pingresp&) const = default;
};

struct Disconnect {
    ReasonCode reason = ReasonCode::Success;  // MQTT 5.0 only on the wire
    bool operator==(const Disconnect&) const = default;
};

using Packet = std::variant<Connect, Connack, Publish, Puback, Pubrec, Pubrel, Pubcomp, Subscribe,
                            Suback, Unsubscribe, Unsuback, Pingreq, Pingresp, Disconnect>;

PacketType packet_type(const Packet& packet);

}  // namespace wg::codec
