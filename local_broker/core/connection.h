#pragma once
// The broker's state for one network connection: the protocol version it
// negotiated, whether CONNECT was accepted, its session, keep-alive and the
// MQTT 5 limits each side announced.
//
// Owned by the Broker from Broker::open() until the connection closes; the
// network layer holds a plain pointer that stays valid until the broker calls
// ClientLink::close().

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "local_broker/codec/packet.h"
#include "local_broker/core/client_link.h"
#include "local_broker/core/keep_alive.h"

namespace wg::core {

struct Session;

struct Connection {
    Connection(std::uint64_t connection_id, ClientLink& client_link, KeepAlive keep_alive_timer)
        : id(connection_id), link(client_link), keep_alive(keep_alive_timer) {}

    bool is_v5() const { return version == codec::ProtocolVersion::Mqtt5; }

    std::uint64_t id;
    ClientLink& link;
    KeepAlive keep_alive;  // the connect deadline until CONNECT is accepted
    codec::ProtocolVersion version = codec::ProtocolVersion::Mqtt311;
    bool connected = false;  // CONNECT accepted
    bool has_will = false;
    bool will_on_disconnect = false;  // DISCONNECT 0x04: publish the Will anyway
    bool will_published = false;      // already published (graceful stop publishes before closing)
    bool reading_paused = false;      // flow control: a subscriber it feeds is congested
    // What the client announced in CONNECT (MQTT 5; 3.1.1 clients get the defaults).
    // (Field order: no padding, one per connection; receive_maximum fills the
    // bools' 8-byte word.)
    std::uint16_t receive_maximum = 65535;   // unacknowledged QoS 1/2 PUBLISHes it accepts
    Session* session = nullptr;  // set once CONNECT is accepted; its client_id is this connection's
    std::uint64_t held_through = 0;          // output held until this store operation is committed
    std::uint32_t maximum_packet_size = 0;   // 0 = no limit
    std::uint16_t topic_alias_maximum = 0;   // aliases the broker may use towards it
    bool problem_information = true;         // reason strings allowed on acknowledgements
    bool session_expiry_was_zero = true;     // a DISCONNECT may not raise it from 0

    // MQTT 5 topic aliases, created on first use (most connections never use them).
    struct TopicAliases {
        std::unordered_map<std::uint16_t, std::string> inbound;   // alias -> topic, client to broker
        std::unordered_map<std::string, std::uint16_t> outbound;  // topic -> alias, broker to client
    };
    std::unique_ptr<TopicAliases> aliases;
    std::uint64_t messages_received = 0;  // PUBLISH packets from the client
    std::uint64_t messages_sent = 0;      // PUBLISH packets to the client

    TopicAliases& topic_aliases() {
        if (!aliases) aliases = std::make_unique<TopicAliases>();
        return *aliases;
    }
};

}  // namespace wg::core
