// decode_packet(): one whole MQTT 3.1 / 3.1.1 / 5.0 frame into a Packet.
//
// Every read is bounds-checked through Reader; every failure is a DecodeError.
// One decoder per packet serves every version; it branches on the version
// only where the wire format differs (5.0 property sections, reason codes,
// subscription options). CONNECT lives in decode_connect.cpp, the property
// codec in properties.cpp.

#include <algorithm>
#include <limits>
#include <string_view>

#include "local_broker/codec/decoders.h"
#include "local_broker/codec/properties.h"
#include "local_broker/codec/topic.h"

namespace wg::codec {

namespace {

using detail::decode_properties;
using detail::expect_end;
using detail::malformed;
using detail::MaybeError;
using detail::PropertyScope;
using detail::protocol_error;
using detail::Reader;
using detail::read_packet_id;
using detail::read_u8;
using detail::read_utf8;
using detail::scope_of;

// Fixed-header flags that PUBREL, SUBSCRIBE and UNSUBSCRIBE must carry.
constexpr std::uint8_t kRequiredFlagsQoS1 = 0b0010;

constexpr std::uint8_t kPublishDup = 0x08;
constexpr std::uint8_t kPublishRetain = 0x01;
constexpr std::uint8_t kPayloadIsUtf8 = 1;

// Subscription options (spec 3.8.3.1): 3.x uses only the QoS bits.
constexpr std::uint8_t kReservedOptionsV3 = 0xFC;
constexpr std::uint8_t kReservedOptionsV5 = 0xC0;
constexpr std::uint8_t kNoLocal = 0x04;
constexpr std::uint8_t kRetainAsPublished = 0x08;
constexpr unsigned kRetainHandlingShift = 4;
constexpr std::string_view kSharedPrefix = "$share/";

// The reason codes each packet may carry (MQTT 5.0 spec 3.2.2.2, 3.4.2.1,
// 3.5.2.1, 3.6.2.1, 3.7.2.1, 3.9.3, 3.11.3, 3.14.2.1, 3.15.2.1), and the
// SUBACK return codes of 3.x.
constexpr std::uint8_t kConnackReasons[] = {0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86,
                                            0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90, 0x95, 0x97,
                                            0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F};
constexpr std::uint8_t kPubackReasons[] = {0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99};
constexpr std::uint8_t kPubrelReasons[] = {0x00, 0x92};
constexpr std::uint8_t kSubackReasons[] = {0x00, 0x01, 0x02, 0x80, 0x83, 0x87,
                                           0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2};
constexpr std::uint8_t kSubackReturnCodesV3[] = {0x00, 0x01, 0x02, 0x80};
constexpr std::uint8_t kUnsubackReasons[] = {0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91};
constexpr std::uint8_t kDisconnectReasons[] = {
    0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E, 0x8F, 0x90, 0x93, 0x94,
    0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2};
constexpr std::uint8_t kAuthReasons[] = {0x00, 0x18, 0x19};

std::span<const std::uint8_t> allowed_reasons(PacketType type, ProtocolVersion version) {
    switch (type) {
        case PacketType::Connack: return kConnackReasons;
        case PacketType::Puback:
        case PacketType::Pubrec: return kPubackReasons;
        case PacketType::Pubrel:
        case PacketType::Pubcomp: return kPubrelReasons;
        case PacketType::Suback:
            return version == ProtocolVersion::Mqtt5 ? std::span<const std::uint8_t>(kSubackReasons)
                                                     : kSubackReturnCodesV3;
        case PacketType::Unsuback: return kUnsubackReasons;
        case PacketType::Disconnect: return kDisconnectReasons;
        case PacketType::Auth: return kAuthReasons;
        default: return {};
    }
}

// A reason code byte that `type` may carry.
MaybeError read_reason(Reader& reader, PacketType type, ProtocolVersion version,
                       ReasonCode& reason) {
    const std::string_view what =
        version == ProtocolVersion::Mqtt5 ? "reason code" : "return code";
    std::uint8_t code = 0;
    if (auto e = read_u8(reader, code, what, packet_name(type))) return e;
    const std::span<const std::uint8_t> allowed = allowed_reasons(type, version);
    if (std::find(allowed.begin(), allowed.end(), code) == allowed.end()) {
        return malformed(std::string(what) + " " + std::to_string(code) + " not allowed in " +
                         std::string(packet_name(type)));
    }
    reason = static_cast<ReasonCode>(code);
    return std::nullopt;
}

DecodeResult decode_connack(Reader& reader, ProtocolVersion version) {
    constexpr std::string_view kPacket = "CONNACK";
    const bool v5 = version == ProtocolVersion::Mqtt5;
    Connack connack;
    std::uint8_t ack_flags = 0;
    if (auto e = read_u8(reader, ack_flags, "acknowledge flags", kPacket)) return *e;
    if (v5) {
        if (auto e = read_reason(reader, PacketType::Connack, version, connack.reason)) return *e;
        if (auto e = decode_properties(reader, PropertyScope::Connack, connack.properties)) {
            return *e;
        }
    } else {
        std::uint8_t code = 0;
        if (auto e = read_u8(reader, code, "return code", kPacket)) return *e;
        switch (code) {
            case 0: connack.reason = ReasonCode::Success; break;
            case 1: connack.reason = ReasonCode::UnsupportedProtocolVersion; break;
            case 2: connack.reason = ReasonCode::ClientIdentifierNotValid; break;
            case 3: connack.reason = ReasonCode::ServerUnavailable; break;
            case 4: connack.reason = ReasonCode::BadUserNameOrPassword; break;
            case 5: connack.reason = ReasonCode::NotAuthorized; break;
            default: return malformed("unknown CONNACK return code " + std::to_string(code));
        }
    }
    if (auto e = expect_end(reader, kPacket)) return *e;

    // MQTT 3.1 has no session present flag: the whole byte is reserved.
    if (version != ProtocolVersion::Mqtt31) {
        if ((ack_flags & 0xFEU) != 0) return malformed("CONNACK reserved acknowledge flags set");
        connack.session_present = (ack_flags & 0x01U) != 0;
    }
    if (connack.session_present && connack.reason != ReasonCode::Success) {
        return protocol_error("CONNACK session present set with a non-zero return code");
    }
    return Packet{std::move(connack)};
}

DecodeResult decode_publish(Reader& reader, std::uint8_t flags, ProtocolVersion version) {
    constexpr std::string_view kPacket = "PUBLISH";
    const bool v5 = version == ProtocolVersion::Mqtt5;
    Publish publish;
    const auto qos = static_cast<std::uint8_t>((flags >> 1U) & 0x03U);
    if (qos == 3) return malformed("PUBLISH QoS 3");
    publish.qos = static_cast<QoS>(qos);
    publish.dup = (flags & kPublishDup) != 0;
    publish.retain = (flags & kPublishRetain) != 0;
    if (publish.dup && publish.qos == QoS::AtMostOnce) {
        return malformed("PUBLISH DUP flag set with QoS 0");
    }
    if (auto e = read_utf8(reader, publish.topic, "topic name", kPacket)) return *e;
    // 5.0 allows an empty topic name when a Topic Alias stands for it.
    const bool alias_only = v5 && publish.topic.empty();
    if (!alias_only && !is_valid_topic_name(publish.topic)) {
        return DecodeError{ReasonCode::TopicNameInvalid, "invalid PUBLISH topic name",
                           std::nullopt};
    }
    if (publish.qos != QoS::AtMostOnce) {
        if (auto e = read_packet_id(reader, publish.packet_id, kPacket)) return *e;
    }
    if (v5) {
        if (auto e = decode_properties(reader, PropertyScope::Publish, publish.properties)) {
            return *e;
        }
        if (alias_only && !publish.properties.topic_alias) {
            return protocol_error("PUBLISH with an empty topic name and no Topic Alias");
        }
    }
    reader.read_rest(publish.payload);
    if (v5 && publish.properties.payload_format_indicator == kPayloadIsUtf8 &&
        !is_well_formed_utf8(publish.payload)) {
        return DecodeError{ReasonCode::PayloadFormatInvalid,
                           "PUBLISH payload is not UTF-8 but its Payload Format Indicator is 1",
                           std::nullopt};
    }
    return Packet{std::move(publish)};
}

// PUBACK, PUBREC, PUBREL, PUBCOMP: a packet identifier; in 5.0 optionally a
// reason code (Success when absent) and then optionally properties.
template <typename Ack>
DecodeResult decode_ack(Reader& reader, PacketType type, ProtocolVersion version) {
    Ack ack;
    if (auto e = read_packet_id(reader, ack.packet_id, packet_name(type))) return *e;
    if (version == ProtocolVersion::Mqtt5 && !reader.at_end()) {
        if (auto e = read_reason(reader, type, version, ack.reason)) return *e;
        if (!reader.at_end()) {
            if (auto e = decode_properties(reader, scope_of(type), ack.properties)) return *e;
        }
    }
    if (auto e = expect_end(reader, packet_name(type))) return *e;
    return Packet{std::move(ack)};
}

// SUBACK, UNSUBACK: a packet identifier, 5.0 properties, one code per filter
// (3.x UNSUBACK has none).
template <typename Ack>
DecodeResult decode_reason_list(Reader& reader, PacketType type, ProtocolVersion version) {
    Ack ack;
    if (auto e = read_packet_id(reader, ack.packet_id, packet_name(type))) return *e;
    if (version == ProtocolVersion::Mqtt5) {
        if (auto e = decode_properties(reader, scope_of(type), ack.properties)) return *e;
    } else if (type == PacketType::Unsuback) {
        if (auto e = expect_end(reader, packet_name(type))) return *e;
        return Packet{std::move(ack)};
    }
    ack.reasons.reserve(reader.remaining());
    while (!reader.at_end()) {
        ReasonCode reason = ReasonCode::Success;
        if (auto e = read_reason(reader, type, version, reason)) return *e;
        ack.reasons.push_back(reason);
    }
    if (ack.reasons.empty()) {
        return protocol_error(std::string(packet_name(type)) + " with no reason codes");
    }
    return Packet{std::move(ack)};
}

MaybeError read_options(Reader& reader, ProtocolVersion version, TopicSubscription& subscription) {
    constexpr std::string_view kPacket = "SUBSCRIBE";
    const bool v5 = version == ProtocolVersion::Mqtt5;
    std::uint8_t options = 0;
    if (auto e = read_u8(reader, options, "subscription options", kPacket)) return e;
    if ((options & (v5 ? kReservedOptionsV5 : kReservedOptionsV3)) != 0) {
        return malformed("SUBSCRIBE reserved option bits set");
    }
    if ((options & 0x03U) == 3) return malformed("SUBSCRIBE requested QoS 3");
    subscription.qos = static_cast<QoS>(options & 0x03U);
    if (!v5) return std::nullopt;

    subscription.no_local = (options & kNoLocal) != 0;
    subscription.retain_as_published = (options & kRetainAsPublished) != 0;
    subscription.retain_handling = static_cast<std::uint8_t>(options >> kRetainHandlingShift);
    if (subscription.retain_handling == 3) {
        return protocol_error("SUBSCRIBE Retain Handling 3");
    }
    // Spec 3.8.3.1: No Local on a shared subscription is a Protocol Error.
    if (subscription.no_local && subscription.filter.starts_with(kSharedPrefix)) {
        return protocol_error("SUBSCRIBE No Local set on shared subscription \"" +
                              subscription.filter + "\"");
    }
    return std::nullopt;
}

DecodeResult decode_subscribe(Reader& reader, ProtocolVersion version) {
    constexpr std::string_view kPacket = "SUBSCRIBE";
    Subscribe subscribe;
    if (auto e = read_packet_id(reader, subscribe.packet_id, kPacket)) return *e;
    if (version == ProtocolVersion::Mqtt5) {
        if (auto e = decode_properties(reader, PropertyScope::Subscribe,
                                       subscribe.properties)) {
            return *e;
        }
    }
    while (!reader.at_end()) {
        TopicSubscription subscription;
        if (auto e = read_utf8(reader, subscription.filter, "topic filter", kPacket)) return *e;
        if (auto e = read_options(reader, version, subscription)) return *e;
        subscribe.subscriptions.push_back(std::move(subscription));
    }
    if (subscribe.subscriptions.empty()) {
        return protocol_error("SUBSCRIBE with no topic filters");
    }
    return Packet{std::move(subscribe)};
}

DecodeResult decode_unsubscribe(Reader& reader, ProtocolVersion version) {
    constexpr std::string_view kPacket = "UNSUBSCRIBE";
    Unsubscribe unsubscribe;
    if (auto e = read_packet_id(reader, unsubscribe.packet_id, kPacket)) return *e;
    if (version == ProtocolVersion::Mqtt5) {
        if (auto e = decode_properties(reader, PropertyScope::Unsubscribe,
                                       unsubscribe.properties)) {
            return *e;
        }
    }
    while (!reader.at_end()) {
        std::string filter;
        if (auto e = read_utf8(reader, filter, "topic filter", kPacket)) return *e;
        unsubscribe.filters.push_back(std::move(filter));
    }
    if (unsubscribe.filters.empty()) {
        return protocol_error("UNSUBSCRIBE with no topic filters");
    }
    return Packet{std::move(unsubscribe)};
}

// DISCONNECT, AUTH: empty in 3.x (which has no AUTH); in 5.0 an optional
// reason code (Success when absent), then optional properties.
template <typename Packet5>
DecodeResult decode_reason_only(Reader& reader, PacketType type, ProtocolVersion version) {
    Packet5 packet;
    if (version == ProtocolVersion::Mqtt5 && !reader.at_end()) {
        if (auto e = read_reason(reader, type, version, packet.reason)) return *e;
        if (!reader.at_end()) {
            if (auto e = decode_properties(reader, scope_of(type), packet.properties)) return *e;
        }
    }
    if (auto e = expect_end(reader, packet_name(type))) return *e;
    return Packet{std::move(packet)};
}

// PINGREQ, PINGRESP: no variable header and no payload.
template <typename Empty>
DecodeResult decode_empty(const Reader& reader, PacketType type) {
    if (auto e = expect_end(reader, packet_name(type))) return *e;
    return Packet{Empty{}};
}

}  // namespace

DecodeResult decode_packet(std::span<const std::uint8_t> frame, ProtocolVersion version) {
    const FrameResult header_result =
        read_frame_header(frame, std::numeric_limits<std::uint32_t>::max());
    if (header_result.status == FrameStatus::Error) return header_result.error;
    if (header_result.status == FrameStatus::Incomplete) {
        return malformed("fixed header runs past the end of the frame");
    }
    const FrameHeader& header = header_result.header;
    if (frame.size() < header.total_size()) {
        return malformed("packet truncated: " + std::to_string(frame.size()) + " of " +
                         std::to_string(header.total_size()) + " bytes");
    }
    if (frame.size() > header.total_size()) {
        return malformed(std::to_string(frame.size() - header.total_size()) +
                         " bytes after the end of the packet");
    }

    const auto type = static_cast<PacketType>(header.first_byte >> 4U);
    const auto flags = static_cast<std::uint8_t>(header.first_byte & 0x0FU);

    if (type == PacketType::Auth && version != ProtocolVersion::Mqtt5) {
        return malformed("AUTH packet is MQTT 5.0 only");
    }
    if (type != PacketType::Publish) {
        const bool needs_qos1 = type == PacketType::Pubrel || type == PacketType::Subscribe ||
                                type == PacketType::Unsubscribe;
        const std::uint8_t expected = needs_qos1 ? kRequiredFlagsQoS1 : 0;
        if (flags != expected) {
            return malformed("invalid fixed header flags " + std::to_string(flags) + " on " +
                             std::string(packet_name(type)));
        }
    }

    Reader reader(frame.subspan(header.header_size));
    switch (type) {
        case PacketType::Connect: return detail::decode_connect(reader);
        case PacketType::Connack: return decode_connack(reader, version);
        case PacketType::Publish: return decode_publish(reader, flags, version);
        case PacketType::Puback: return decode_ack<Puback>(reader, type, version);
        case PacketType::Pubrec: return decode_ack<Pubrec>(reader, type, version);
        case PacketType::Pubrel: return decode_ack<Pubrel>(reader, type, version);
        case PacketType::Pubcomp: return decode_ack<Pubcomp>(reader, type, version);
        case PacketType::Subscribe: return decode_subscribe(reader, version);
        case PacketType::Suback: return decode_reason_list<Suback>(reader, type, version);
        case PacketType::Unsubscribe: return decode_unsubscribe(reader, version);
        case PacketType::Unsuback: return decode_reason_list<Unsuback>(reader, type, version);
        case PacketType::Pingreq: return decode_empty<Pingreq>(reader, type);
        case PacketType::Pingresp: return decode_empty<Pingresp>(reader, type);
        case PacketType::Disconnect: return decode_reason_only<Disconnect>(reader, type, version);
        case PacketType::Auth: return decode_reason_only<Auth>(reader, type, version);
    }
    return malformed("unexpected packet type " + std::to_string(header.first_byte >> 4U));
}

}  // namespace wg::codec
