#pragma once
// The MQTT packet model: one struct per control packet, shared by every
// protocol version. Fields that only MQTT 5.0 carries are added to these same
// structs (properties, reason codes); the codec decides per version what goes
// on the wire. Plain values: no I/O, no ownership beyond the strings.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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

struct UserProperty {
    std::string name;
    std::string value;
    bool operator==(const UserProperty&) const = default;
};

// MQTT 5.0 properties (spec 2.2.2.2). One struct serves every packet type: the
// decoder accepts on each packet only the properties the spec allows there
// (any other is a Malformed Packet, a second copy of a single-valued one a
// Protocol Error), and the encoder writes the ones that are set. 3.1/3.1.1
// carry none of them.
struct Properties {
    std::optional<std::uint8_t> payload_format_indicator;       // 0x01: 0 bytes, 1 UTF-8
    std::optional<std::uint32_t> message_expiry_interval;       // 0x02: seconds
    std::optional<std::string> content_type;                    // 0x03
    std::optional<std::string> response_topic;                  // 0x08
    std::optional<std::string> correlation_data;                // 0x09: binary
    std::vector<std::uint32_t> subscription_identifiers;        // 0x0B: 1..268435455; several in PUBLISH
    std::optional<std::uint32_t> session_expiry_interval;       // 0x11: seconds
    std::optional<std::string> assigned_client_identifier;      // 0x12
    std::optional<std::uint16_t> server_keep_alive;             // 0x13: seconds
    std::optional<std::string> authentication_method;           // 0x15
    std::optional<std::string> authentication_data;             // 0x16: binary
    std::optional<std::uint8_t> request_problem_information;    // 0x17: 0 or 1
    std::optional<std::uint32_t> will_delay_interval;           // 0x18: seconds
    std::optional<std::uint8_t> request_response_information;   // 0x19: 0 or 1
    std::optional<std::string> response_information;            // 0x1A
    std::optional<std::string> server_reference;                // 0x1C
    std::optional<std::string> reason_string;                   // 0x1F
    std::optional<std::uint16_t> receive_maximum;               // 0x21: 1..65535
    std::optional<std::uint16_t> topic_alias_maximum;           // 0x22
    std::optional<std::uint16_t> topic_alias;                   // 0x23: 1..maximum
    std::optional<std::uint8_t> maximum_qos;                    // 0x24: 0 or 1
    std::optional<std::uint8_t> retain_available;               // 0x25: 0 or 1
    std::vector<UserProperty> user_properties;                  // 0x26: repeatable, order kept
    std::optional<std::uint32_t> maximum_packet_size;           // 0x27: 1..
    std::optional<std::uint8_t> wildcard_subscription_available;     // 0x28
    std::optional<std::uint8_t> subscription_identifier_available;   // 0x29
    std::optional<std::uint8_t> shared_subscription_available;       // 0x2A

    bool operator==(const Properties&) const = default;
};

struct Will {
    std::string topic;
    std::string payload;  // may be empty
    QoS qos = QoS::AtMostOnce;
    bool retain = false;
    Properties properties;  // MQTT 5.0 Will Properties (3.1.3.2)

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

    Properties properties;  // MQTT 5.0
    bool operator==(const Connect&) const = default;
};

struct Connack {
    bool session_present = false;
    ReasonCode reason = ReasonCode::Success;  // mapped to a 3.1.1 return code on encode

    Properties properties;  // MQTT 5.0
    bool operator==(const Connack&) const = default;
};

struct Publish {
    std::string topic;
    std::string payload;
    QoS qos = QoS::AtMostOnce;
    bool retain = false;
    bool dup = false;
    std::uint16_t packet_id = 0;  // only for QoS 1 and 2

    Properties properties;  // MQTT 5.0
    bool operator==(const Publish&) const = default;
};

struct Puback {
    std::uint16_t packet_id = 0;
    ReasonCode reason = ReasonCode::Success;
    Properties properties;  // MQTT 5.0
    bool operator==(const Puback&) const = default;
};
struct Pubrec {
    std::uint16_t packet_id = 0;
    ReasonCode reason = ReasonCode::Success;
    Properties properties;  // MQTT 5.0
    bool operator==(const Pubrec&) const = default;
};
struct Pubrel {
    std::uint16_t packet_id = 0;
    ReasonCode reason = ReasonCode::Success;
    Properties properties;  // MQTT 5.0
    bool operator==(const Pubrel&) const = default;
};
struct Pubcomp {
    std::uint16_t packet_id = 0;
    ReasonCode reason = ReasonCode::Success;
    Properties properties;  // MQTT 5.0
    bool operator==(const Pubcomp&) const = default;
};

struct TopicSubscription {
    std::string filter;
    QoS qos = QoS::AtMostOnce;
    // MQTT 5.0 subscription options (3.8.3.1); 3.1/3.1.1 carry only the QoS.
    bool no_local = false;
    bool retain_as_published = false;
    std::uint8_t retain_handling = 0;  // 0 send retained, 1 only if new, 2 never
    bool operator==(const TopicSubscription&) const = default;
};

struct Subscribe {
    std::uint16_t packet_id = 0;
    std::vector<TopicSubscription> subscriptions;
    Properties properties;  // MQTT 5.0
    bool operator==(const Subscribe&) const = default;
};

struct Suback {
    std::uint16_t packet_id = 0;
    // One per requested filter: Success / GrantedQoS1 / GrantedQoS2, or an
    // error code (3.1.1 sends every error as 0x80).
    std::vector<ReasonCode> reasons;
    Properties properties;  // MQTT 5.0
    bool operator==(const Suback&) const = default;
};

struct Unsubscribe {
    std::uint16_t packet_id = 0;
    std::vector<std::string> filters;
    Properties properties;  // MQTT 5.0
    bool operator==(const Unsubscribe&) const = default;
};

struct Unsuback {
    std::uint16_t packet_id = 0;
    std::vector<ReasonCode> reasons;  // MQTT 5.0 only; not sent for 3.1/3.1.1
    Properties properties;  // MQTT 5.0
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
    Properties properties;  // MQTT 5.0
    bool operator==(const Disconnect&) const = default;
};

// MQTT 5.0 only (3.15).
struct Auth {
    ReasonCode reason = ReasonCode::Success;
    Properties properties;
    bool operator==(const Auth&) const = default;
};

using Packet = std::variant<Connect, Connack, Publish, Puback, Pubrec, Pubrel, Pubcomp, Subscribe,
                            Suback, Unsubscribe, Unsuback, Pingreq, Pingresp, Disconnect, Auth>;

PacketType packet_type(const Packet& packet);

// The spec's upper-case name of a control packet ("CONNECT", ..., "AUTH"), for
// logs and error messages.
std::string_view packet_name(PacketType type);

}  // namespace wg::codec
