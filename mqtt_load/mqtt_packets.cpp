#include "mqtt_load/mqtt_packets.h"

#include <algorithm>
#include <stdexcept>

namespace wg::mqtt_load::mqtt {
namespace {

void append_u16(Bytes& out, std::size_t value) {
    out.push_back(static_cast<std::uint8_t>((value >> 8U) & 0xffU));
    out.push_back(static_cast<std::uint8_t>(value & 0xffU));
}

void append_string(Bytes& out, std::string_view text) {
    if (text.size() > 0xffff) throw std::invalid_argument{"MQTT string too long"};
    append_u16(out, text.size());
    out.insert(out.end(), text.begin(), text.end());
}

void append_binary(Bytes& out, std::span<const std::uint8_t> data) {
    if (data.size() > 0xffff) throw std::invalid_argument{"MQTT binary field too long"};
    append_u16(out, data.size());
    out.insert(out.end(), data.begin(), data.end());
}

void append_remaining_length(Bytes& out, std::size_t length) {
    do {
        auto digit = static_cast<std::uint8_t>(length % 128);
        length /= 128;
        if (length > 0) digit |= 0x80U;
        out.push_back(digit);
    } while (length > 0);
}

// Fixed header (type byte + Remaining Length) followed by `body`.
Bytes frame(std::uint8_t header, const Bytes& body) {
    Bytes out;
    out.reserve(body.size() + 5);
    out.push_back(header);
    append_remaining_length(out, body.size());
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

std::array<std::uint8_t, 4> ack_packet(std::uint8_t header, std::uint16_t packet_id) {
    return {header, 0x02, static_cast<std::uint8_t>(packet_id >> 8U),
            static_cast<std::uint8_t>(packet_id & 0xffU)};
}

}  // namespace

Bytes encode_connect(const ConnectFields& fields) {
    Bytes body;
    append_string(body, "MQTT");
    body.push_back(fields.protocol_level);
    const bool v5 = fields.protocol_level >= kProtocolLevel5;
    std::uint8_t flags = fields.clean_session ? 0x02 : 0x00;
    if (fields.will) {
        flags = static_cast<std::uint8_t>(flags | 0x04U | (fields.will->qos << 3U));
        if (fields.will->retain) flags = static_cast<std::uint8_t>(flags | 0x20U);
    }
    body.push_back(flags);
    append_u16(body, fields.keep_alive);
    if (v5) body.push_back(0);  // no CONNECT properties
    append_string(body, fields.client_id);
    if (fields.will) {
        if (v5) body.push_back(0);  // no Will properties
        append_string(body, fields.will->topic);
        append_binary(body, fields.will->payload);
    }
    return frame(0x10, body);
}

Bytes encode_subscribe(std::uint16_t packet_id, std::string_view filter, std::uint8_t qos) {
    Bytes body;
    append_u16(body, packet_id);
    append_string(body, filter);
    body.push_back(qos);
    return frame(0x82, body);
}

std::array<std::uint8_t, 4> encode_puback(std::uint16_t packet_id) {
    return ack_packet(0x40, packet_id);
}

std::array<std::uint8_t, 4> encode_pubrel(std::uint16_t packet_id) {
    return ack_packet(0x62, packet_id);  // PUBREL has the fixed flags 0b0010
}

void encode_publish(const PublishFields& fields, Bytes& out) {
    if (fields.topic.size() > 0xffff) throw std::invalid_argument{"MQTT string too long"};
    const std::size_t length = 2 + fields.topic.size() + (fields.qos > 0 ? 2 : 0) +
                               (fields.v5 ? 1 : 0) + fields.payload.size();
    out.clear();
    const unsigned retain = fields.retain ? 1U : 0U;
    out.push_back(static_cast<std::uint8_t>(0x30U | (fields.qos << 1U) | retain));
    append_remaining_length(out, length);
    append_string(out, fields.topic);
    if (fields.qos > 0) append_u16(out, fields.packet_id);
    if (fields.v5) out.push_back(0);  // no PUBLISH properties
    out.insert(out.end(), fields.payload.begin(), fields.payload.end());
}

std::uint16_t read_u16(std::span<const std::uint8_t> bytes) {
    return static_cast<std::uint16_t>((bytes[0] << 8U) | bytes[1]);
}

std::uint64_t read_u64(std::span<const std::uint8_t> bytes) {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < 8; ++i) value = (value << 8U) | bytes[i];
    return value;
}

void write_u64(std::span<std::uint8_t> bytes, std::uint64_t value) {
    for (std::size_t i = 8; i-- > 0;) {
        bytes[i] = static_cast<std::uint8_t>(value & 0xffU);
        value >>= 8U;
    }
}

PublishTemplate::PublishTemplate(std::string_view topic, std::uint8_t qos,
                                 std::size_t payload_size) {
    Bytes body;
    append_string(body, topic);
    std::size_t packet_id_offset = 0;
    if (qos > 0) {
        packet_id_offset = body.size();
        append_u16(body, 1);
    }
    const std::size_t payload_offset = body.size();
    body.resize(body.size() + payload_size, 'x');
    bytes_ = frame(static_cast<std::uint8_t>(0x30U | (qos << 1U)), body);
    const std::size_t header_size = bytes_.size() - body.size();
    packet_id_offset_ = qos > 0 ? header_size + packet_id_offset : 0;
    payload_offset_ = header_size + payload_offset;
}

void PublishTemplate::set_packet_id(std::uint16_t packet_id) {
    bytes_[packet_id_offset_] = static_cast<std::uint8_t>(packet_id >> 8U);
    bytes_[packet_id_offset_ + 1] = static_cast<std::uint8_t>(packet_id & 0xffU);
}

void PublishTemplate::set_payload_u64(std::uint64_t value) {
    write_u64(std::span{bytes_}.subspan(payload_offset_, 8), value);
}

std::optional<PublishView> parse_publish(std::uint8_t header, std::span<const std::uint8_t> body) {
    PublishView view;
    view.qos = static_cast<std::uint8_t>((header >> 1U) & 0x03U);
    if (body.size() < 2) return std::nullopt;
    const std::size_t topic_size = read_u16(body);
    std::size_t offset = 2 + topic_size;
    if (body.size() < offset + (view.qos > 0 ? 2 : 0)) return std::nullopt;
    view.topic = std::string_view{reinterpret_cast<const char*>(body.data() + 2), topic_size};
    if (view.qos > 0) {
        view.packet_id = read_u16(body.subspan(offset));
        offset += 2;
    }
    view.payload = body.subspan(offset);
    return view;
}

}  // namespace wg::mqtt_load::mqtt
