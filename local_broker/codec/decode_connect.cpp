// decode_connect(): the CONNECT packet of MQTT 3.1, 3.1.1 and 5.0 (spec 3.1).
//
// The layouts differ only in 5.0's two property sections (CONNECT properties
// after the keep alive, Will Properties before the will topic) and in 5.0
// allowing a password without a user name.

#include <string_view>

#include "local_broker/codec/decoders.h"
#include "local_broker/codec/properties.h"
#include "local_broker/codec/topic.h"

namespace wg::codec::detail {

namespace {

constexpr std::string_view kPacket = "CONNECT";

constexpr std::uint8_t kConnectReservedFlag = 0x01;
constexpr std::uint8_t kConnectCleanSession = 0x02;  // Clean Start in 5.0
constexpr std::uint8_t kConnectWillFlag = 0x04;
constexpr std::uint8_t kConnectWillRetain = 0x20;
constexpr std::uint8_t kConnectPasswordFlag = 0x40;
constexpr std::uint8_t kConnectUserNameFlag = 0x80;
constexpr unsigned kConnectWillQoSShift = 3;
constexpr std::uint8_t kPayloadIsUtf8 = 1;

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

// Will Properties (5.0), Will Topic and Will Payload (spec 3.1.3.2 - 3.1.3.4).
MaybeError decode_will(Reader& reader, ProtocolVersion version, Will& will) {
    const bool v5 = version == ProtocolVersion::Mqtt5;
    if (v5) {
        if (auto e = decode_properties(reader, PropertyScope::Will, will.properties)) return e;
    }
    if (auto e = read_utf8(reader, will.topic, "will topic", kPacket)) return e;
    if (!is_valid_topic_name(will.topic)) {
        return DecodeError{ReasonCode::TopicNameInvalid, "invalid will topic", std::nullopt};
    }
    if (auto e = read_binary(reader, will.payload, "will payload", kPacket)) return e;
    return std::nullopt;
}

// Spec 3.1.3.2.3: a will payload declared UTF-8 that is not. Checked once the
// whole CONNECT is known to be well formed.
MaybeError check_will_payload(const Will& will) {
    if (will.properties.payload_format_indicator == kPayloadIsUtf8 &&
        !is_well_formed_utf8(will.payload)) {
        return DecodeError{ReasonCode::PayloadFormatInvalid,
                           "will payload is not UTF-8 but its Payload Format Indicator is 1",
                           std::nullopt};
    }
    return std::nullopt;
}

// Everything after the protocol level.
DecodeResult decode_connect_body(Reader& reader, Connect connect) {
    const bool v5 = connect.version == ProtocolVersion::Mqtt5;
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
    // 5.0 allows a password without a user name (spec 3.1.2.9); 3.x does not.
    if (has_password && !has_username && !v5) {
        return malformed("CONNECT password flag set without the user name flag");
    }
    connect.clean_session = (flags & kConnectCleanSession) != 0;

    if (auto e = read_u16(reader, connect.keep_alive, "keep alive", kPacket)) return *e;
    if (v5) {
        if (auto e = decode_properties(reader, PropertyScope::Connect, connect.properties)) {
            return *e;
        }
    }
    if (auto e = read_utf8(reader, connect.client_id, "client identifier", kPacket)) return *e;

    if (will_flag) {
        Will will;
        if (auto e = decode_will(reader, connect.version, will)) return *e;
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
    if (connect.will) {
        if (auto e = check_will_payload(*connect.will)) return *e;
    }
    return Packet{std::move(connect)};
}

}  // namespace

DecodeResult decode_connect(Reader& reader) {
    Connect connect;
    if (auto e = read_binary(reader, connect.protocol_name, "protocol name", kPacket)) return *e;
    std::uint8_t level = 0;
    if (auto e = read_u8(reader, level, "protocol level", kPacket)) return *e;

    const std::optional<ProtocolVersion> version = protocol_version(connect.protocol_name, level);
    if (!version) {
        return DecodeError{ReasonCode::UnsupportedProtocolVersion,
                           "unsupported protocol \"" + printable(connect.protocol_name) +
                               "\" level " + std::to_string(level),
                           std::nullopt};
    }
    connect.version = *version;
    DecodeResult result = decode_connect_body(reader, std::move(connect));
    // The broker answers a refused CONNECT with a CONNACK in the client's version.
    if (auto* error = std::get_if<DecodeError>(&result)) error->connect_version = version;
    return result;
}

}  // namespace wg::codec::detail
