#pragma once
// The broker's state for one network connection: the protocol version it
// negotiated, whether CONNECT was accepted, its session and keep-alive.
//
// Owned by the Broker from Broker::open() until the connection closes; the
// network layer holds a plain pointer that stays valid until the broker calls
// ClientLink::close().

#include <cstdint>
#include <string>

#include "local_broker/codec/packet.h"
#include "local_broker/core/client_link.h"
#include "local_broker/core/keep_alive.h"

namespace wg::core {

struct Session;

struct Connection {
    Connection(std::uint64_t connection_id, ClientLink& client_link, KeepAlive keep_alive_timer)
        : id(connection_id), link(client_link), keep_alive(keep_alive_timer) {}

    std::uint64_t id;
    ClientLink& link;
    KeepAlive keep_alive;  // the connect deadline until CONNECT is accepted
    codec::ProtocolVersion version = codec::ProtocolVersion::Mqtt311;
    bool connected = false;  // CONNECT accepted
    bool has_will = false;
    std::string client_id;
    Session* session = nullptr;
};

}  // namespace wg::core
