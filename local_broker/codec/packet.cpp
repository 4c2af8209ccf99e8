#include "local_broker/codec/packet.h"

namespace wg::codec {

namespace {

constexpr PacketType type_of(const Connect&) { return PacketType::Connect; }
constexpr PacketType type_of(const Connack&) { return PacketType::Connack; }
constexpr PacketType type_of(const Publish&) { return PacketType::Publish; }
constexpr PacketType type_of(const Puback&) { return PacketType::Puback; }
constexpr PacketType type_of(const Pubrec&) { return PacketType::Pubrec; }
constexpr PacketType type_of(const Pubrel&) { return PacketType::Pubrel; }
constexpr PacketType type_of(const Pubcomp&) { return PacketType::Pubcomp; }
constexpr PacketType type_of(const Subscribe&) { return PacketType::Subscribe; }
constexpr PacketType type_of(const Suback&) { return PacketType::Suback; }
constexpr PacketType type_of(const Unsubscribe&) { return PacketType::Unsubscribe; }
constexpr PacketType type_of(const Unsuback&) { return PacketType::Unsuback; }
constexpr PacketType type_of(const Pingreq&) { return PacketType::Pingreq; }
constexpr PacketType type_of(const Pingresp&) { return PacketType::Pingresp; }
constexpr PacketType type_of(const Disconnect&) { return PacketType::Disconnect; }

}  // namespace

PacketType packet_type(const Packet& packet) {
    return std::visit([](const auto& p) { return type_of(p); }, packet);
}

}  // namespace wg::codec
