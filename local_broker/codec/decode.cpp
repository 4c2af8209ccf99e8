// decode_packet(): one whole MQTT 3.1 / 3.1.1 frame into a Packet.
//
// Every read is bounds-checked through Reader; every failure is a DecodeError.
// MQTT 5.0 is not decoded yet: the places where its reason codes and
// properties go are marked "MQTT 5.0:" below.

#include <limits>
#include <optional>
#include <string_view>

#include "local_broker/codec/codec.h"
#include "local_broker/codec/topic.h"

namespace wg::codec {

namespace {

// Fixed-header flags that PUBREL, SUBSCRIBE and UNSUBSCRIBE must carry.
constexpr std::uint8_t kRequiredFlagsQoS1 = 0b0010;

constexpr std::uint8_t kConnectReservedFlag = 0x01;
constexpr std::uint8_t kConnectCleanSession = 0x02;
constexpr std::uint8_t kConnectWillFlag = 0x04;
constexpr std::uint8_t kConnectWillRetain = 0x20;
constexpr std::uint8_t kConnectPasswordFlag = 0x40;
constexpr std::uint8_t kConnectUserNameFlag = 0x80;
constexpr unsigned kConnectWillQoSShift = 3;

constexpr std::uint8_t kPublishDup = 0x08;
constexpr std::uint8_t kPublishRetain = 0x01;
constexpr std::uint8_t kSubscribeReservedOptions = 0xFC;
constexpr std::uint8_t kSubackFailure = 0x80;

// Bounds-checked cursor over a packet body. A failed read leaves the cursor
// where it was and returns false.
class Reader {
public:
    explicit Reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

    std::size_t remaining() const { return bytes_.size() - pos_; }
    bool at_end() const { return pos_ == bytes_.size(); }

    bool read_u8(std::uint8_t& value) {
        if (remaining() < 1) return false;
        value = bytes_[pos_++];
        return true;
    }

    bool read_u16(std::uint16_t& value) {
        if (remaining() < 2) return false;
        value = static_cast<std::uint16_t>((bytes_[pos_] << 8U) | bytes_[pos_ + 1]);
        pos_ += 2;
        return true;
    }

    // Two-byte length followed by that many bytes (spec 1.5.3 / 1.5.6).
    bool read_prefixed(std::string& value) {
        if (remaining() < 2) return false;
        const std::size_t length = (std::size_t{bytes_[pos_]} << 8U) | bytes_[pos_ + 1];
        if (remaining() - 2 < length) return false;
        pos_ += 2;
        take(length, value);
        return true;
    }

    void read_rest(std::string& value) { take(remaining(), value); }

private:
    void take(std::size_t count, std::string& value) {
        const auto first = bytes_.begin() + static_cast<std::ptrdiff_t>(pos_);
        value.assign(first, first + static_cast<std::ptrdiff_t>(count));
        pos_ += count;
    }

    std::span<const std::uint8_t> bytes_;
    std::size_t pos_ = 0;
};

using MaybeError = std::optional<DecodeError>;

DecodeError malformed(std::string message) {
    return DecodeError{ReasonCode::MalformedPacket, std::move(message)};
}

std::string_view packet_name(std::uint8_t type) {
    constexpr std::string_view kNames[] = {"RESERVED",  "CONNECT",  "CONNACK",     "PUBLISH",
                                           "PUBACK",    "PUBREC",   "PUBREL",      "PUBCOMP",
                                           "SUBSCRIBE", "SUBACK",   "UNSUBSCRIBE", "UNSUBACK",
                                           "PINGREQ",   "PINGRESP", "DISCONNECT",  "AUTH"};
    return kNames[type & 0x0FU];
}

std::string truncated(std::string_view what, std::string_view packet) {
    return std::string(what) + " runs past the end of the " + std::string(packet) + " packet";
}

MaybeError read_u8(Reader& reader, std::uint8_t& value, std::string_view what,
                   std::string_view packet) {
    if (!reader.read_u8(value)) return malformed(truncated(what, packet));
    return std::nullopt;
}

MaybeError read_u16(Reader& reader, std::uint16_t& value, std::string_view what,
                    std::string_view packet) {
    if (!reader.read_u16(value)) return malformed(truncated(what, packet));
    return std::nullopt;
}

MaybeError read_binary(Reader& reader, std::string& value, std::string_view what,
                       std::string_view packet) {
    if (!reader.read_prefixed(value)) return malformed(truncated(what, packet));
    return std::nullopt;
}

MaybeError read_utf8(Reader& reader, std::string& value, std::string_view what,
                     std::string_view packet) {
    if (auto error = read_binary(reader, value, what, packet)) return error;
    if (!is_valid_utf8(value)) {
        return malformed(std::string(what) + " in " + std::string(packet) +
                         " is not valid UTF-8 (spec 1.5.3)");
    }
    return std::nullopt;
}

MaybeError read_packet_id(Reader& reader, std::uint16_t& id, std::string_view packet) {
    if (auto error = read_u16(reader, id, "packet identifier", packet)) return error;
    if (id == 0) return malformed("packet identifier 0 in " + std::string(packet));
    return std::nullopt;
}

MaybeError expect_end(const Reader& reader, std::string_view packet) {
    if (reader.at_end()) return std::nullopt;
    return malformed(std::to_string(reader.remaining()) + " unexpected trailing bytes in " +
                     std::string(packet));
}

// The protocol name / level pairs this codec speaks.
std::optional<ProtocolVersion> protocol_version(std::string_view name, std::uint8_t level) {
    if (name == "MQTT" && level == 4) return ProtocolVersion::Mqtt311;
    if (name == "MQTT" && level == 5) return ProtocolVersion::Mqtt5;
    if (name == "MQIsdp" && level == 3) return ProtocolVersion::Mqtt31;
    return std::nullopt;
}

// The protocol name for a log line: printable ASCII kept, the rest as '?'.
std::string printable(std::string_view text) {
    constexpr std::size_t kMaxShown = 32;
    std::string shown(text.substr(0, kMaxShown));
    for (char& c : shown) {
        if (c < 0x20 || c > 0x7E) c = '?';
    }
    return shown;
}

DecodeResult decode_connect(Reader& reader) {
    constexpr std::string_view kPacket = "CONNECT";
    Connect connect;
    if (auto e = read_binary(reader, connect.protocol_name, "protocol name", kPacket)) return *e;
    std::uint8_t level = 0;
    if (auto e = read_u8(reader, level, "protocol level", kPacket)) return *e;

    const std::optional<ProtocolVersion> version = protocol_version(connect.protocol_name, level);
    if (!version) {
        return DecodeError{ReasonCode::UnsupportedProtocolVersion,
                           "unsupported protocol \"" + printable(connect.protocol_name) +
                               "\" level " + std::to_string(level)};
    }
    if (*version == ProtocolVersion::Mqtt5) {
        // MQTT 5.0: CONNECT properties follow the keep alive and will
        // properties precede the will topic; until they are decoded, refuse.
        return DecodeError{ReasonCode::UnsupportedProtocolVersion, "MQTT 5.0 is not supported yet"};
    }
    connect.version = *version;

    std::uint8_t flags = 0;
    if (auto e = read_u8(reader, flags, "connect flags", kPacket)) return *e;
    if ((flags & kConnectReservedFlag) != 0) return malformed("CONNECT reserved flag is set");
    const bool will_flag = (flags & kConnectWillFlag) != 0;
    const auto will_qos = static_cast<std::uint8_t>((flags >> kConnectWillQoSShift) & 0x03U);
    const bool will_retain = (flags & kConnectWillRetain) != 0;
    const bool has_password = (flags & kConnectPasswordFlag) != 0;
    const bool has_username = (flags & kConnectUserNameFlag) != 0;
    if (will_qos == 3) return malformed("CONNECT will QoS 3");
    if (!will_flag && (will_qos != 0 || will_retain)) {
        return malformed("CONNECT will QoS or will retain set without the will flag");
    }
    if (has_password && !has_username) {
        return malformed("CONNECT password flag set without the user name flag");
    }
    connect.clean_session = (flags & kConnectCleanSession) != 0;

    if (auto e = read_u16(reader, connect.keep_alive, "keep alive", kPacket)) return *e;
    // MQTT 5.0: CONNECT properties are read here.
    if (auto e = read_utf8(reader, connect.client_id, "client identifier", kPacket)) return *e;

    if (will_flag) {
        // MQTT 5.0: will properties are read here.
        Will will;
        if (auto e = read_utf8(reader, will.topic, "will topic", kPacket)) return *e;
        if (!is_valid_topic_name(will.topic)) {
            return DecodeError{ReasonCode::TopicNameInvalid, "invalid will topic"};
        }
        if (auto e = read_binary(reader, will.payload, "will payload", kPacket)) return *e;
        will.qos = static_cast<QoS>(will_qos);
        will.retain = will_retain;
        connect.will = std::move(will);
    }
    if (has_username) {
        connect.username.emplace();
        if (auto e = read_utf8(reader, *connect.username, "user name", kPacket)) return *e;
    }
    if (has_password) {
        connect.password.emplace();
        if (auto e = read_binary(reader, *connect.password, "password", kPacket)) return *e;
    }
    if (auto e = expect_end(reader, kPacket)) return *e;
    return Packet{std::move(connect)};
}

DecodeResult decode_connack(Reader& reader, ProtocolVersion version) {
    constexpr std::string_view kPacket = "CONNACK";
    std::uint8_t ack_flags = 0;
    std::uint8_t code = 0;
    if (auto e = read_u8(reader, ack_flags, "acknowledge flags", kPacket)) return *e;
    if (auto e = read_u8(reader, code, "return code", kPacket)) return *e;
    // MQTT 5.0: CONNACK properties are read here.
    if (auto e = expect_end(reader, kPacket)) return *e;

    Connack connack;
    // MQTT 3.1 has no session present flag: the whole byte is reserved.
    if (version != ProtocolVersion::Mqtt31) {
        if ((ack_flags & 0xFEU) != 0) return malformed("CONNACK reserved acknowledge flags set");
        connack.session_present = (ack_flags & 0x01U) != 0;
    }
    switch (code) {
        case 0: connack.reason = ReasonCode::Success; break;
        case 1: connack.reason = ReasonCode::UnsupportedProtocolVersion; break;
        case 2: connack.reason = ReasonCode::ClientIdentifierNotValid; break;
        case 3: connack.reason = ReasonCode::ServerUnavailable; break;
        case 4: connack.reason = ReasonCode::BadUserNameOrPassword; break;
        case 5: connack.reason = ReasonCode::NotAuthorized; break;
        default: return malformed("unknown CONNACK return code " + std::to_string(code));
    }
    if (connack.session_present && connack.reason != ReasonCode::Success) {
        return DecodeError{ReasonCode::ProtocolError,
                           "CONNACK session present set with a non-zero return code"};
    }
    return Packet{connack};
}

DecodeResult decode_publish(Reader& reader, std::uint8_t flags) {
    constexpr std::string_view kPacket = "PUBLISH";
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
    if (!is_valid_topic_name(publish.topic)) {
        return DecodeError{ReasonCode::TopicNameInvalid, "invalid PUBLISH topic name"};
    }
    if (publish.qos != QoS::AtMostOnce) {
        if (auto e = read_packet_id(reader, publish.packet_id, kPacket)) return *e;
    }
    // MQTT 5.0: PUBLISH properties are read here.
    reader.read_rest(publish.payload);
    return Packet{std::move(publish)};
}

// PUBACK, PUBREC, PUBREL, PUBCOMP: a packet identifier and, in MQTT 3, nothing else.
template <typename Ack>
DecodeResult decode_ack(Reader& reader, std::string_view packet) {
    Ack ack;
    if (auto e = read_packet_id(reader, ack.packet_id, packet)) return *e;
    // MQTT 5.0: the reason code and properties are read here.
    if (auto e = expect_end(reader, packet)) return *e;
    return Packet{ack};
}

DecodeResult decode_subscribe(Reader& reader) {
    constexpr std::string_view kPacket = "SUBSCRIBE";
    Subscribe subscribe;
    if (auto e = read_packet_id(reader, subscribe.packet_id, kPacket)) return *e;
    // MQTT 5.0: SUBSCRIBE properties are read here.
    while (!reader.at_end()) {
        TopicSubscription subscription;
        if (auto e = read_utf8(reader, subscription.filter, "topic filter", kPacket)) return *e;
        std::uint8_t options = 0;
        if (auto e = read_u8(reader, options, "subscription options", kPacket)) return *e;
        // MQTT 5.0: bits 2-5 carry No Local, Retain As Published and Retain Handling.
        if ((options & kSubscribeReservedOptions) != 0) {
            return malformed("SUBSCRIBE reserved option bits set");
        }
        if ((options & 0x03U) == 3) return malformed("SUBSCRIBE requested QoS 3");
        subscription.qos = static_cast<QoS>(options & 0x03U);
        subscribe.subscriptions.push_back(std::move(subscription));
    }
    if (subscribe.subscriptions.empty()) {
        return DecodeError{ReasonCode::ProtocolError, "SUBSCRIBE with no topic filters"};
    }
    return Packet{std::move(subscribe)};
}

DecodeResult decode_suback(Reader& reader) {
    constexpr std::string_view kPacket = "SUBACK";
    Suback suback;
    if (auto e = read_packet_id(reader, suback.packet_id, kPacket)) return *e;
    // MQTT 5.0: SUBACK properties are read here.
    suback.reasons.reserve(reader.remaining());
    while (!reader.at_end()) {
        std::uint8_t code = 0;
        reader.read_u8(code);
        switch (code) {
            case 0: suback.reasons.push_back(ReasonCode::Success); break;
            case 1: suback.reasons.push_back(ReasonCode::GrantedQoS1); break;
            case 2: suback.reasons.push_back(ReasonCode::GrantedQoS2); break;
            case kSubackFailure: suback.reasons.push_back(ReasonCode::UnspecifiedError); break;
            default: return malformed("unknown SUBACK return code " + std::to_string(code));
        }
    }
    if (suback.reasons.empty()) {
        return DecodeError{ReasonCode::ProtocolError, "SUBACK with no return codes"};
    }
    return Packet{std::move(suback)};
}

DecodeResult decode_unsubscribe(Reader& reader) {
    constexpr std::string_view kPacket = "UNSUBSCRIBE";
    Unsubscribe unsubscribe;
    if (auto e = read_packet_id(reader, unsubscribe.packet_id, kPacket)) return *e;
    // MQTT 5.0: UNSUBSCRIBE properties are read here.
    while (!reader.at_end()) {
        std::string filter;
        if (auto e = read_utf8(reader, filter, "topic filter", kPacket)) return *e;
        unsubscribe.filters.push_back(std::move(filter));
    }
    if (unsubscribe.filters.empty()) {
        return DecodeError{ReasonCode::ProtocolError, "UNSUBSCRIBE with no topic filters"};
    }
    return Packet{std::move(unsubscribe)};
}

// PINGREQ, PINGRESP, DISCONNECT: no variable header and no payload in MQTT 3.
template <typename Empty>
DecodeResult decode_empty(const Reader& reader, std::string_view packet) {
    // MQTT 5.0: DISCONNECT carries a reason code and properties here.
    if (auto e = expect_end(reader, packet)) return *e;
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

    const auto type = static_cast<std::uint8_t>(header.first_byte >> 4U);
    const auto flags = static_cast<std::uint8_t>(header.first_byte & 0x0FU);
    const std::string_view name = packet_name(type);
    const auto packet = static_cast<PacketType>(type);

    if (packet == PacketType::Auth && version != ProtocolVersion::Mqtt5) {
        return malformed("AUTH packet is MQTT 5.0 only");
    }
    if (packet != PacketType::Publish) {
        const bool needs_qos1 = packet == PacketType::Pubrel || packet == PacketType::Subscribe ||
                                packet == PacketType::Unsubscribe;
        const std::uint8_t expected = needs_qos1 ? kRequiredFlagsQoS1 : 0;
        if (flags != expected) {
            return malformed("invalid fixed header flags " + std::to_string(flags) + " on " +
                             std::string(name));
        }
    }

    Reader reader(frame.subspan(header.header_size));
    if (packet == PacketType::Connect) return decode_connect(reader);
    if (version == ProtocolVersion::Mqtt5) {
        return DecodeError{ReasonCode::UnsupportedProtocolVersion,
                           "MQTT 5.0 packets are not supported yet"};
    }

    switch (packet) {
        case PacketType::Connack: return decode_connack(reader, version);
        case PacketType::Publish: return decode_publish(reader, flags);
        case PacketType::Puback: return decode_ack<Puback>(reader, name);
        case PacketType::Pubrec: return decode_ack<Pubrec>(reader, name);
        case PacketType::Pubrel: return decode_ack<Pubrel>(reader, name);
        case PacketType::Pubcomp: return decode_ack<Pubcomp>(reader, name);
        case PacketType::Subscribe: return decode_subscribe(reader);
        case PacketType::Suback: return decode_suback(reader);
        case PacketType::Unsubscribe: return decode_unsubscribe(reader);
        case PacketType::Unsuback: return decode_ack<Unsuback>(reader, name);
        case PacketType::Pingreq: return decode_empty<Pingreq>(reader, name);
        case PacketType::Pingresp: return decode_empty<Pingresp>(reader, name);
        case PacketType::Disconnect: return decode_empty<Disconnect>(reader, name);
        case PacketType::Connect:
        case PacketType::Auth: break;
    }
    return malformed("unexpected packet type " + std::to_string(type));
}

}  // namespace wg::codec
