#pragma once
// Decode bytes into packets and encode packets into bytes.
//
// Pure functions: no sockets, no clock, no threads, no exceptions on wire
// bytes. A failed decode returns a DecodeError (reason code + human readable
// message) and has no other effect.
//
// Reading a stream: call read_frame_header() on the bytes received so far.
// Incomplete means more bytes are needed before even the fixed header is known;
// Complete gives the packet's total size, and once that many bytes are
// buffered, decode_packet() turns them into a Packet. The size limit is checked
// as soon as the remaining length is known, so an oversized packet is refused
// before its body is read.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <string>
#include <variant>
#include <vector>

#include "local_broker/codec/packet.h"

namespace wg::codec {

struct DecodeError {
    ReasonCode reason = ReasonCode::MalformedPacket;
    std::string message;
    // For a CONNECT that failed after its protocol level was read: the version
    // the client speaks, so the broker can answer with a CONNACK it understands.
    std::optional<ProtocolVersion> connect_version;
};

enum class FrameStatus { Incomplete, Complete, Error };

struct FrameHeader {
    std::uint8_t first_byte = 0;       // packet type (high nibble) and flags (low nibble)
    std::size_t header_size = 0;       // 1 + bytes of the remaining-length varint
    std::uint32_t remaining_length = 0;
    std::size_t total_size() const { return header_size + remaining_length; }
};

struct FrameResult {
    FrameStatus status = FrameStatus::Incomplete;
    FrameHeader header;
    DecodeError error;  // set when status == Error
};

// Largest remaining length the 4-byte varint can express.
inline constexpr std::uint32_t kMaxRemainingLength = 268'435'455;

// Parses the fixed header at the start of `bytes`. Errors: a remaining length
// longer than 4 bytes (MalformedPacket), a total size above `max_packet_size`
// (PacketTooLarge), packet type 0 (MalformedPacket).
FrameResult read_frame_header(std::span<const std::uint8_t> bytes, std::uint32_t max_packet_size);

using DecodeResult = std::variant<Packet, DecodeError>;

// Decodes one whole packet: `frame` holds exactly header.total_size() bytes.
// `version` is the connection's negotiated version; CONNECT carries its own and
// ignores it. Validates everything the packet alone can tell: fixed-header
// flags, string UTF-8 (spec 1.5.4), topic names, packet identifiers, CONNECT
// flag combinations, lengths, and for MQTT 5.0 the property sections (which
// properties each packet allows, duplicates, values), reason codes,
// subscription options and Payload Format Indicator 1 payloads. A failed
// CONNECT whose protocol level was recognised reports it in connect_version.
// AUTH, and SUBSCRIBE options beyond the QoS, are MalformedPacket outside 5.0.
DecodeResult decode_packet(std::span<const std::uint8_t> frame, ProtocolVersion version);

// Appends the wire bytes of `packet`, as `version` spells it, to `out`.
// CONNECT takes its protocol name and level from `version`. Fields a version
// cannot carry are dropped (3.x: properties, subscription options beyond the
// QoS, reason codes on acks, DISCONNECT and UNSUBACK; 3.1: the session present
// flag; an AUTH packet is not written at all). MQTT 5.0 writes the properties
// the packet allows (others are dropped) and the short forms of PUBACK,
// PUBREC, PUBREL, PUBCOMP, DISCONNECT and AUTH when the reason is Success
// and/or there are no properties. Precondition: strings fit 65535 bytes, the
// packet fits kMaxRemainingLength, values are in range (longer strings and
// payloads are cut, keeping the frame well formed).
void encode(const Packet& packet, ProtocolVersion version, std::vector<std::uint8_t>& out);

// A PUBLISH whose topic, payload and properties are borrowed: the broker
// encodes each delivery of a stored message from it without copying the
// message into a Publish. `properties` may be null (none).
struct PublishView {
    std::string_view topic;
    std::string_view payload;
    QoS qos = QoS::AtMostOnce;
    bool retain = false;
    bool dup = false;
    std::uint16_t packet_id = 0;
    const Properties* properties = nullptr;
};

// Appends the wire bytes of `publish` as `version` spells it; the same bytes
// encode() writes for the equivalent Publish.
void encode_publish(const PublishView& publish, ProtocolVersion version, std::vector<std::uint8_t>& out);

// Number of bytes the remaining-length varint of `value` takes (1..4).
std::size_t varint_size(std::uint32_t value);

}  // namespace wg::codec
