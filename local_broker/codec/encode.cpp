// encode(): a Packet into wire bytes for MQTT 3.1, 3.1.1 and 5.0.
//
// One encoder per packet serves every version; 5.0 adds property sections and
// reason codes. Each packet's remaining length is computed first (property
// sections measured once), so the output grows by one exact reservation and
// strings/payloads are appended as whole ranges.

#include <algorithm>
#include <optional>
#include <string_view>

#include "local_broker/codec/codec.h"
#include "local_broker/codec/properties.h"
#include "local_broker/codec/wire_writer.h"

namespace wg::codec {

namespace {

using detail::first_byte;
using detail::is_v5;
using detail::prefixed_size;
using detail::PropertyScope;
using detail::PropertySection;
using detail::raw;
using detail::Writer;

constexpr std::uint8_t kSubackFailure = 0x80;
constexpr unsigned kRetainHandlingShift = 4;

// The property section of `properties` in 5.0; absent (size 0) in 3.x.
class OptionalSection {
public:
    OptionalSection(const Properties& properties, PropertyScope scope, ProtocolVersion version) {
        if (is_v5(version)) section_.emplace(properties, scope);
    }

    std::size_t size() const { return section_ ? section_->size() : 0; }
    bool empty() const { return !section_ || section_->empty(); }
    void write(Writer& writer) const {
        if (section_) section_->write(writer);
    }

private:
    std::optional<PropertySection> section_;
};

std::uint8_t connack_return_code(ReasonCode reason) {
    switch (reason) {
        case ReasonCode::Success: return 0;
        case ReasonCode::UnsupportedProtocolVersion: return 1;
        case ReasonCode::ClientIdentifierNotValid: return 2;
        case ReasonCode::BadUserNameOrPassword: return 4;
        case ReasonCode::NotAuthorized: return 5;
        default: return 3;  // Server unavailable, also for every code 3.1.1 cannot say
    }
}

std::uint8_t suback_return_code(ReasonCode reason) {
    switch (reason) {
        case ReasonCode::Success: return 0;
        case ReasonCode::GrantedQoS1: return 1;
        case ReasonCode::GrantedQoS2: return 2;
        default: return kSubackFailure;
    }
}

void encode_packet(const Connect& connect, ProtocolVersion version,
                   std::vector<std::uint8_t>& out) {
    const std::string_view name = version == ProtocolVersion::Mqtt31 ? "MQIsdp" : "MQTT";
    const OptionalSection properties(connect.properties, PropertyScope::Connect, version);
    const Properties no_will;
    const OptionalSection will_properties(connect.will ? connect.will->properties : no_will,
                                          PropertyScope::Will, version);

    std::size_t remaining = prefixed_size(name) + 1 + 1 + 2 + properties.size();
    remaining += prefixed_size(connect.client_id);
    std::uint8_t flags = connect.clean_session ? 0x02 : 0x00;
    if (connect.will) {
        remaining += will_properties.size() + prefixed_size(connect.will->topic) +
                     prefixed_size(connect.will->payload);
        flags = static_cast<std::uint8_t>(flags | 0x04U |
                                          (static_cast<unsigned>(connect.will->qos) << 3U) |
                                          (connect.will->retain ? 0x20U : 0x00U));
    }
    if (connect.username) {
        remaining += prefixed_size(*connect.username);
        flags = static_cast<std::uint8_t>(flags | 0x80U);
    }
    if (connect.password) {
        remaining += prefixed_size(*connect.password);
        flags = static_cast<std::uint8_t>(flags | 0x40U);
    }

    Writer writer(out, first_byte(PacketType::Connect), remaining);
    writer.prefixed(name);
    writer.u8(static_cast<std::uint8_t>(version));
    writer.u8(flags);
    writer.u16(connect.keep_alive);
    properties.write(writer);
    writer.prefixed(connect.client_id);
    if (connect.will) {
        will_properties.write(writer);
        writer.prefixed(connect.will->topic);
        writer.prefixed(connect.will->payload);
    }
    if (connect.username) writer.prefixed(*connect.username);
    if (connect.password) writer.prefixed(*connect.password);
}

void encode_packet(const Connack& connack, ProtocolVersion version,
                   std::vector<std::uint8_t>& out) {
    const OptionalSection properties(connack.properties, PropertyScope::Connack, version);
    const std::uint8_t code = is_v5(version) ? raw(connack.reason)
                                             : connack_return_code(connack.reason);
    // 3.1 has no session present flag; 3.1.1 and 5.0 send it only with code 0.
    const bool session_present =
        version != ProtocolVersion::Mqtt31 && connack.session_present && code == 0;
    Writer writer(out, first_byte(PacketType::Connack), 2 + properties.size());
    writer.u8(session_present ? 1 : 0);
    writer.u8(code);
    properties.write(writer);
}

void encode_packet(const Publish& publish, ProtocolVersion version,
                   std::vector<std::uint8_t>& out) {
    encode_publish(PublishView{publish.topic, publish.payload, publish.qos, publish.retain, publish.dup,
                               publish.packet_id, &publish.properties},
                   version, out);
}

const Properties kNoProperties{};

}  // namespace

void encode_publish(const PublishView& publish, ProtocolVersion version, std::vector<std::uint8_t>& out) {
    const bool has_id = publish.qos != QoS::AtMostOnce;
    const OptionalSection properties(publish.properties ? *publish.properties : kNoProperties,
                                     PropertyScope::Publish, version);
    const std::size_t head =
        std::min<std::size_t>(prefixed_size(publish.topic) + (has_id ? 2 : 0) + properties.size(),
                              kMaxRemainingLength);
    // A payload beyond what the remaining length can express breaks the
    // precondition; cutting it keeps the frame well formed.
    const std::string_view payload =
        std::string_view(publish.payload).substr(0, kMaxRemainingLength - head);
    const auto flags = static_cast<std::uint8_t>((has_id && publish.dup ? 0x08U : 0x00U) |
                                                 (static_cast<unsigned>(publish.qos) << 1U) |
                                                 (publish.retain ? 0x01U : 0x00U));

    Writer writer(out, first_byte(PacketType::Publish, flags), head + payload.size());
    writer.prefixed(publish.topic);
    if (has_id) writer.u16(publish.packet_id);
    properties.write(writer);
    writer.raw_bytes(payload);
}

namespace {

// PUBACK, PUBREC, PUBREL, PUBCOMP. 5.0 writes the shortest form the spec
// allows (3.4.2.1): no reason code when it is Success and there are no
// properties, no property length when there are none.
template <typename Ack>
void encode_ack(const Ack& ack, PacketType type, std::uint8_t flags, ProtocolVersion version,
                std::vector<std::uint8_t>& out) {
    const OptionalSection properties(ack.properties, detail::scope_of(type), version);
    const bool with_properties = !properties.empty();
    const bool with_reason =
        is_v5(version) && (with_properties || ack.reason != ReasonCode::Success);
    Writer writer(out, first_byte(type, flags),
                  2 + (with_reason ? 1 : 0) + (with_properties ? properties.size() : 0));
    writer.u16(ack.packet_id);
    if (with_reason) writer.u8(raw(ack.reason));
    if (with_properties) properties.write(writer);
}

void encode_packet(const Puback& ack, ProtocolVersion version, std::vector<std::uint8_t>& out) {
    encode_ack(ack, PacketType::Puback, 0, version, out);
}
void encode_packet(const Pubrec& ack, ProtocolVersion version, std::vector<std::uint8_t>& out) {
    encode_ack(ack, PacketType::Pubrec, 0, version, out);
}
void encode_packet(const Pubrel& ack, ProtocolVersion version, std::vector<std::uint8_t>& out) {
    encode_ack(ack, PacketType::Pubrel, 0b0010, version, out);
}
void encode_packet(const Pubcomp& ack, ProtocolVersion version, std::vector<std::uint8_t>& out) {
    encode_ack(ack, PacketType::Pubcomp, 0, version, out);
}

std::uint8_t subscription_options(const TopicSubscription& subscription, ProtocolVersion version) {
    const auto qos = static_cast<unsigned>(subscription.qos);
    if (!is_v5(version)) return static_cast<std::uint8_t>(qos);
    return static_cast<std::uint8_t>(
        qos | (subscription.no_local ? 0x04U : 0x00U) |
        (subscription.retain_as_published ? 0x08U : 0x00U) |
        ((subscription.retain_handling & 0x03U) << kRetainHandlingShift));
}

void encode_packet(const Subscribe& subscribe, ProtocolVersion version,
                   std::vector<std::uint8_t>& out) {
    const OptionalSection properties(subscribe.properties, PropertyScope::Subscribe, version);
    std::size_t remaining = 2 + properties.size();
    for (const TopicSubscription& subscription : subscribe.subscriptions) {
        remaining += prefixed_size(subscription.filter) + 1;
    }
    Writer writer(out, first_byte(PacketType::Subscribe, 0b0010), remaining);
    writer.u16(subscribe.packet_id);
    properties.write(writer);
    for (const TopicSubscription& subscription : subscribe.subscriptions) {
        writer.prefixed(subscription.filter);
        writer.u8(subscription_options(subscription, version));
    }
}

void encode_packet(const Suback& suback, ProtocolVersion version, std::vector<std::uint8_t>& out) {
    const OptionalSection properties(suback.properties, PropertyScope::Suback, version);
    Writer writer(out, first_byte(PacketType::Suback),
                  2 + properties.size() + suback.reasons.size());
    writer.u16(suback.packet_id);
    properties.write(writer);
    for (const ReasonCode reason : suback.reasons) {
        writer.u8(is_v5(version) ? raw(reason) : suback_return_code(reason));
    }
}

void encode_packet(const Unsubscribe& unsubscribe, ProtocolVersion version,
                   std::vector<std::uint8_t>& out) {
    const OptionalSection properties(unsubscribe.properties, PropertyScope::Unsubscribe, version);
    std::size_t remaining = 2 + properties.size();
    for (const std::string& filter : unsubscribe.filters) remaining += prefixed_size(filter);
    Writer writer(out, first_byte(PacketType::Unsubscribe, 0b0010), remaining);
    writer.u16(unsubscribe.packet_id);
    properties.write(writer);
    for (const std::string& filter : unsubscribe.filters) writer.prefixed(filter);
}

void encode_packet(const Unsuback& unsuback, ProtocolVersion version,
                   std::vector<std::uint8_t>& out) {
    // 3.1 / 3.1.1: the packet identifier only.
    const OptionalSection properties(unsuback.properties, PropertyScope::Unsuback, version);
    const std::size_t reasons = is_v5(version) ? unsuback.reasons.size() : 0;
    Writer writer(out, first_byte(PacketType::Unsuback), 2 + properties.size() + reasons);
    writer.u16(unsuback.packet_id);
    properties.write(writer);
    for (std::size_t i = 0; i < reasons; ++i) writer.u8(raw(unsuback.reasons[i]));
}

void encode_packet(const Pingreq&, ProtocolVersion, std::vector<std::uint8_t>& out) {
    Writer writer(out, first_byte(PacketType::Pingreq), 0);
}

void encode_packet(const Pingresp&, ProtocolVersion, std::vector<std::uint8_t>& out) {
    Writer writer(out, first_byte(PacketType::Pingresp), 0);
}

// DISCONNECT, AUTH: in 5.0 the reason code is omitted when it is Success and
// there are no properties, the property length when there are none
// (3.14.2.1, 3.15.2.1). 3.x DISCONNECT is empty.
template <typename P>
void encode_reason_only(const P& packet, PacketType type, ProtocolVersion version,
                        std::vector<std::uint8_t>& out) {
    const OptionalSection properties(packet.properties, detail::scope_of(type), version);
    const bool with_properties = !properties.empty();
    const bool with_reason =
        is_v5(version) && (with_properties || packet.reason != ReasonCode::Success);
    Writer writer(out, first_byte(type),
                  (with_reason ? 1 : 0) + (with_properties ? properties.size() : 0));
    if (with_reason) writer.u8(raw(packet.reason));
    if (with_properties) properties.write(writer);
}

void encode_packet(const Disconnect& disconnect, ProtocolVersion version,
                   std::vector<std::uint8_t>& out) {
    encode_reason_only(disconnect, PacketType::Disconnect, version, out);
}

void encode_packet(const Auth& auth, ProtocolVersion version, std::vector<std::uint8_t>& out) {
    if (!is_v5(version)) return;  // 3.1 / 3.1.1 have no AUTH packet: nothing is written
    encode_reason_only(auth, PacketType::Auth, version, out);
}

}  // namespace

void encode(const Packet& packet, ProtocolVersion version, std::vector<std::uint8_t>& out) {
    std::visit([&](const auto& p) { encode_packet(p, version, out); }, packet);
}

}  // namespace wg::codec
