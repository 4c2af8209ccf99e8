// encode(): a Packet into wire bytes for MQTT 3.1, 3.1.1 (and the MQTT 5.0
// layout with an empty property section).
//
// Each packet's remaining length is computed first, so the output grows by one
// exact reservation and strings/payloads are appended as whole ranges.

#include <iterator>
#include <string_view>

#include "local_broker/codec/codec.h"

namespace wg::codec {

namespace {

constexpr std::size_t kMaxStringLength = 65'535;
constexpr std::uint8_t kSubackFailure = 0x80;
constexpr std::uint8_t kEmptyProperties = 0x00;  // MQTT 5.0 property length 0

constexpr std::uint8_t first_byte(PacketType type, std::uint8_t flags = 0) {
    return static_cast<std::uint8_t>((static_cast<unsigned>(type) << 4U) | flags);
}

constexpr bool is_v5(ProtocolVersion version) { return version == ProtocolVersion::Mqtt5; }

constexpr std::uint8_t raw(ReasonCode code) { return static_cast<std::uint8_t>(code); }

// A string as it fits a two-byte length prefix. Longer strings break the
// encoder's precondition; cutting them keeps the frame well formed.
std::string_view fit(std::string_view text) { return text.substr(0, kMaxStringLength); }

std::size_t prefixed_size(std::string_view text) { return 2 + fit(text).size(); }

class Writer {
public:
    // Appends the fixed header and reserves room for the whole packet.
    Writer(std::vector<std::uint8_t>& out, std::uint8_t first, std::size_t remaining_length)
        : out_(out) {
        const auto remaining = static_cast<std::uint32_t>(remaining_length);
        out_.reserve(out_.size() + 1 + varint_size(remaining) + remaining);
        u8(first);
        varint(remaining);
    }

    void u8(std::uint8_t value) { out_.push_back(value); }

    void u16(std::uint16_t value) {
        const std::uint8_t bytes[] = {static_cast<std::uint8_t>(value >> 8U),
                                      static_cast<std::uint8_t>(value & 0xFFU)};
        out_.insert(out_.end(), std::begin(bytes), std::end(bytes));
    }

    void raw_bytes(std::string_view bytes) { out_.insert(out_.end(), bytes.begin(), bytes.end()); }

    void prefixed(std::string_view text) {
        const std::string_view fitted = fit(text);
        u16(static_cast<std::uint16_t>(fitted.size()));
        raw_bytes(fitted);
    }

private:
    void varint(std::uint32_t value) {
        std::uint8_t bytes[4] = {};
        std::size_t count = 0;
        do {
            auto byte = static_cast<std::uint8_t>(value & 0x7FU);
            value >>= 7U;
            if (value != 0) byte = static_cast<std::uint8_t>(byte | 0x80U);
            bytes[count++] = byte;
        } while (value != 0 && count < 4);
        out_.insert(out_.end(), bytes, bytes + count);
    }

    std::vector<std::uint8_t>& out_;
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
    const std::size_t properties = is_v5(version) ? 1 : 0;
    std::size_t remaining = prefixed_size(name) + 1 + 1 + 2 + properties;
    remaining += prefixed_size(connect.client_id);
    std::uint8_t flags = connect.clean_session ? 0x02 : 0x00;
    if (connect.will) {
        remaining +=
            properties + prefixed_size(connect.will->topic) + prefixed_size(connect.will->payload);
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
    if (is_v5(version)) writer.u8(kEmptyProperties);
    writer.prefixed(connect.client_id);
    if (connect.will) {
        if (is_v5(version)) writer.u8(kEmptyProperties);
        writer.prefixed(connect.will->topic);
        writer.prefixed(connect.will->payload);
    }
    if (connect.username) writer.prefixed(*connect.username);
    if (connect.password) writer.prefixed(*connect.password);
}

void encode_packet(const Connack& connack, ProtocolVersion version,
                   std::vector<std::uint8_t>& out) {
    if (is_v5(version)) {
        Writer writer(out, first_byte(PacketType::Connack), 3);
        writer.u8(connack.session_present ? 1 : 0);
        writer.u8(raw(connack.reason));
        writer.u8(kEmptyProperties);
        return;
    }
    const std::uint8_t code = connack_return_code(connack.reason);
    // 3.1 has no session present flag; 3.1.1 sends it only with return code 0.
    const bool session_present =
        version != ProtocolVersion::Mqtt31 && connack.session_present && code == 0;
    Writer writer(out, first_byte(PacketType::Connack), 2);
    writer.u8(session_present ? 1 : 0);
    writer.u8(code);
}

void encode_packet(const Publish& publish, ProtocolVersion version,
                   std::vector<std::uint8_t>& out) {
    const bool has_id = publish.qos != QoS::AtMostOnce;
    const std::size_t head =
        prefixed_size(publish.topic) + (has_id ? 2 : 0) + (is_v5(version) ? 1 : 0);
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
    if (is_v5(version)) writer.u8(kEmptyProperties);
    writer.raw_bytes(payload);
}

// PUBACK, PUBREC, PUBREL, PUBCOMP. MQTT 5.0 adds the reason code unless it is
// Success (the property length may then be omitted, spec 3.4.2.2.1).
void encode_ack(PacketType type, std::uint8_t flags, std::uint16_t packet_id, ReasonCode reason,
                ProtocolVersion version, std::vector<std::uint8_t>& out) {
    const bool with_reason = is_v5(version) && reason != ReasonCode::Success;
    Writer writer(out, first_byte(type, flags), with_reason ? 3 : 2);
    writer.u16(packet_id);
    if (with_reason) writer.u8(raw(reason));
}

void encode_packet(const Puback& ack, ProtocolVersion version, std::vector<std::uint8_t>& out) {
    encode_ack(PacketType::Puback, 0, ack.packet_id, ack.reason, version, out);
}
void encode_packet(const Pubrec& ack, ProtocolVersion version, std::vector<std::uint8_t>& out) {
    encode_ack(PacketType::Pubrec, 0, ack.packet_id, ack.reason, version, out);
}
void encode_packet(const Pubrel& ack, ProtocolVersion version, std::vector<std::uint8_t>& out) {
    encode_ack(PacketType::Pubrel, 0b0010, ack.packet_id, ack.reason, version, out);
}
void encode_packet(const Pubcomp& ack, ProtocolVersion version, std::vector<std::uint8_t>& out) {
    encode_ack(PacketType::Pubcomp, 0, ack.packet_id, ack.reason, version, out);
}

void encode_packet(const Subscribe& subscribe, ProtocolVersion version,
                   std::vector<std::uint8_t>& out) {
    std::size_t remaining = 2 + (is_v5(version) ? 1 : 0);
    for (const TopicSubscription& subscription : subscribe.subscriptions) {
        remaining += prefixed_size(subscription.filter) + 1;
    }
    Writer writer(out, first_byte(PacketType::Subscribe, 0b0010), remaining);
    writer.u16(subscribe.packet_id);
    if (is_v5(version)) writer.u8(kEmptyProperties);
    for (const TopicSubscription& subscription : subscribe.subscriptions) {
        writer.prefixed(subscription.filter);
        writer.u8(static_cast<std::uint8_t>(subscription.qos));
    }
}

void encode_packet(const Suback& suback, ProtocolVersion version, std::vector<std::uint8_t>& out) {
    const std::size_t remaining = 2 + (is_v5(version) ? 1 : 0) + suback.reasons.size();
    Writer writer(out, first_byte(PacketType::Suback), remaining);
    writer.u16(suback.packet_id);
    if (is_v5(version)) writer.u8(kEmptyProperties);
    for (const ReasonCode reason : suback.reasons) {
        writer.u8(is_v5(version) ? raw(reason) : suback_return_code(reason));
    }
}

void encode_packet(const Unsubscribe& unsubscribe, ProtocolVersion version,
                   std::vector<std::uint8_t>& out) {
    std::size_t remaining = 2 + (is_v5(version) ? 1 : 0);
    for (const std::string& filter : unsubscribe.filters) remaining += prefixed_size(filter);
    Writer writer(out, first_byte(PacketType::Unsubscribe, 0b0010), remaining);
    writer.u16(unsubscribe.packet_id);
    if (is_v5(version)) writer.u8(kEmptyProperties);
    for (const std::string& filter : unsubscribe.filters) writer.prefixed(filter);
}

void encode_packet(const Unsuback& unsuback, ProtocolVersion version,
                   std::vector<std::uint8_t>& out) {
    if (!is_v5(version)) {  // 3.1 / 3.1.1: the packet identifier only
        Writer writer(out, first_byte(PacketType::Unsuback), 2);
        writer.u16(unsuback.packet_id);
        return;
    }
    Writer writer(out, first_byte(PacketType::Unsuback), 3 + unsuback.reasons.size());
    writer.u16(unsuback.packet_id);
    writer.u8(kEmptyProperties);
    for (const ReasonCode reason : unsuback.reasons) writer.u8(raw(reason));
}

void encode_packet(const Pingreq&, ProtocolVersion, std::vector<std::uint8_t>& out) {
    Writer writer(out, first_byte(PacketType::Pingreq), 0);
}

void encode_packet(const Pingresp&, ProtocolVersion, std::vector<std::uint8_t>& out) {
    Writer writer(out, first_byte(PacketType::Pingresp), 0);
}

void encode_packet(const Disconnect& disconnect, ProtocolVersion version,
                   std::vector<std::uint8_t>& out) {
    // MQTT 5.0 omits the reason code when it is Normal disconnection (0).
    const bool with_reason = is_v5(version) && disconnect.reason != ReasonCode::Success;
    Writer writer(out, first_byte(PacketType::Disconnect), with_reason ? 1 : 0);
    if (with_reason) writer.u8(raw(disconnect.reason));
}

}  // namespace

void encode(const Packet& packet, ProtocolVersion version, std::vector<std::uint8_t>& out) {
    std::visit([&](const auto& p) { encode_packet(p, version, out); }, packet);
}

}  // namespace wg::codec
