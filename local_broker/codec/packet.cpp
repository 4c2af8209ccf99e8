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
constexpr PacketType type_of(const Auth&) { return PacketType::Auth; }

}  // namespace

PacketType packet_type(const Packet& packet) {
    return std::visit([](const auto& p) { return type_of(p); }, packet);
}

std::string_view packet_name(PacketType type) {
    switch (type) {
        case PacketType::Connect: return "CONNECT";
        case PacketType::Connack: return "CONNACK";
        case PacketType::Publish: return "PUBLISH";
        case PacketType::Puback: return "PUBACK";
        case PacketType::Pubrec: return "PUBREC";
        case PacketType::Pubrel: return "PUBREL";
        case PacketType::Pubcomp: return "PUBCOMP";
        case PacketType::Subscribe: return "SUBSCRIBE";
        case PacketType::Suback: return "SUBACK";
        case PacketType::Unsubscribe: return "UNSUBSCRIBE";
        case PacketType::Unsuback: return "UNSUBACK";
        case PacketType::Pingreq: return "PINGREQ";
        case PacketType::Pingresp: return "PINGRESP";
        case PacketType::Disconnect: return "DISCONNECT";
        case PacketType::Auth: return "AUTH";
    }
    return "RESERVED";  // type 0, never a valid packet
}

}  // namespace wg::codec
