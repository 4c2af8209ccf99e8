#pragma once
// The few MQTT packets the load tools send (3.1.1, and 5.0 without properties where the
// device simulator needs it), encoded up front or into a reused buffer, and a zero-copy
// view of a received PUBLISH. No sockets, no clocks.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wg::mqtt_load::mqtt {

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
    Pingreq = 12,
    Pingresp = 13,
    Disconnect = 14,
};

inline constexpr std::uint8_t kProtocolLevel311 = 4;
inline constexpr std::uint8_t kProtocolLevel5 = 5;

inline PacketType packet_type(std::uint8_t header) { return static_cast<PacketType>(header >> 4U); }

using Bytes = std::vector<std::uint8_t>;

struct Will {
    std::string topic;
    Bytes payload;
    std::uint8_t qos = 0;
    bool retain = false;
};

// MQTT 5.0 (protocol_level 5) CONNECTs carry no properties: Session Expiry Interval 0, no
// Will Delay, the server's defaults for everything else.
struct ConnectFields {
    std::uint8_t protocol_level = kProtocolLevel311;
    std::string client_id;
    std::uint16_t keep_alive = 60;
    bool clean_session = true;
    std::optional<Will> will;
};

Bytes encode_connect(const ConnectFields& fields);
Bytes encode_subscribe(std::uint16_t packet_id, std::string_view filter, std::uint8_t qos);
std::array<std::uint8_t, 4> encode_puback(std::uint16_t packet_id);
std::array<std::uint8_t, 4> encode_pubrel(std::uint16_t packet_id);
inline constexpr std::array<std::uint8_t, 2> kPingreq{0xc0, 0x00};
inline constexpr std::array<std::uint8_t, 2> kDisconnect{0xe0, 0x00};

std::uint16_t read_u16(std::span<const std::uint8_t> bytes);  // big endian, first 2 bytes
std::uint64_t read_u64(std::span<const std::uint8_t> bytes);  // big endian, first 8 bytes
void write_u64(std::span<std::uint8_t> bytes, std::uint64_t value);

// A PUBLISH encoded once. Senders patch the packet id and the first 8 payload bytes (a
// sequence number or a timestamp) in place and copy bytes() out; nothing is re-encoded.
class PublishTemplate {
public:
    // payload_size >= 8 when set_payload_u64() is used; the payload is filled with 'x'.
    PublishTemplate(std::string_view topic, std::uint8_t qos, std::size_t payload_size);

    std::span<const std::uint8_t> bytes() const { return bytes_; }
    std::size_t size() const { return bytes_.size(); }
    void set_packet_id(std::uint16_t packet_id);
    void set_payload_u64(std::uint64_t value);

private:
    Bytes bytes_;
    std::size_t packet_id_offset_ = 0;  // 0 for QoS 0: no packet id
    std::size_t payload_offset_ = 0;
};

// One PUBLISH encoded on demand, for payloads that change in length (the simulator's JSON).
struct PublishFields {
    std::string_view topic;
    std::span<const std::uint8_t> payload;
    std::uint8_t qos = 0;
    bool retain = false;
    std::uint16_t packet_id = 0;  // QoS 1 and 2 only
    bool v5 = false;              // MQTT 5.0: an empty property list after the packet id
};

// Replaces the contents of `out` with the packet; reusing `out` avoids an allocation.
void encode_publish(const PublishFields& fields, Bytes& out);

// A received PUBLISH; the views point into the packet body.
struct PublishView {
    std::uint8_t qos = 0;
    std::uint16_t packet_id = 0;
    std::string_view topic;
    std::span<const std::uint8_t> payload;
};

std::optional<PublishView> parse_publish(std::uint8_t header, std::span<const std::uint8_t> body);

}  // namespace wg::mqtt_load::mqtt
