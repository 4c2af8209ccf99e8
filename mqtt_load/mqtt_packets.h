#pragma once
// The few MQTT 3.1.1 packets the load generator sends, encoded once up front, and a
// zero-copy view of a received PUBLISH. No sockets, no clocks.

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
    Subscribe = 8,
    Suback = 9,
    Pingreq = 12,
    Pingresp = 13,
    Disconnect = 14,
};

inline PacketType packet_type(std::uint8_t header) { return static_cast<PacketType>(header >> 4U); }

using Bytes = std::vector<std::uint8_t>;

struct Will {
    std::string topic;
    Bytes payload;
    std::uint8_t qos = 0;
};

struct ConnectFields {
    std::string client_id;
    std::uint16_t keep_alive = 60;
    bool clean_session = true;
    std::optional<Will> will;
};

Bytes encode_connect(const ConnectFields& fields);
Bytes encode_subscribe(std::uint16_t packet_id, std::string_view filter, std::uint8_t qos);
std::array<std::uint8_t, 4> encode_puback(std::uint16_t packet_id);
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

// A received PUBLISH; the views point into the packet body.
struct PublishView {
    std::uint8_t qos = 0;
    std::uint16_t packet_id = 0;
    std::string_view topic;
    std::span<const std::uint8_t> payload;
};

std::optional<PublishView> parse_publish(std::uint8_t header, std::span<const std::uint8_t> body);

}  // namespace wg::mqtt_load::mqtt
