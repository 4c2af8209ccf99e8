#pragma once
// Printable "address:port" ("[address]:port" for IPv6) of an endpoint, with
// IPv4-mapped IPv6 addresses shown as plain IPv4.

#include <string>

#include <asio/ip/tcp.hpp>

namespace wg::net {

inline std::string endpoint_name(const asio::ip::tcp::endpoint& endpoint) {
    asio::ip::address address = endpoint.address();
    if (address.is_v6() && address.to_v6().is_v4_mapped())
        address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    const std::string port = std::to_string(endpoint.port());
    if (address.is_v6()) return "[" + address.to_string() + "]:" + port;
    return address.to_string() + ":" + port;
}

}  // namespace wg::net
