#pragma once
// Accepts TCP connections on one address and port and hands each socket to
// the ConnectionSet, refusing sockets beyond the connection limit.
//
// Accepting: one wait for the listening socket's readiness, then accept4() in
// a loop (non-blocking, peer address from the call itself) until the backlog is
// empty or a batch of kAcceptBatch is done, in which case the next batch is
// posted so that other work runs in between.
//
// Threading: the io_context's thread. Errors: bind/listen failures throw
// std::system_error from the constructor (start-up); accept errors are logged
// and accepting resumes after a short pause (e.g. out of file descriptors).

#include <string>

#include <asio.hpp>

#include "local_broker/net/net_settings.h"
#include "local_broker/net/asio_types.h"
#include "local_broker/net/connection_set.h"

namespace wg::net {

class Listener {
public:
    // `bind` is an IPv4 or IPv6 literal; "::" accepts IPv6 and IPv4 (dual
    // stack), falling back to IPv4 only where the host has no IPv6.
    Listener(asio::io_context& io, const std::string& bind, std::uint16_t port, ConnectionSet& connections,
             const NetSettings& settings);

    void start();
    void stop();
    asio::ip::tcp::endpoint local_endpoint() const;

private:
    void wait_for_connections();
    void accept_batch();
    void retry_later(const std::error_code& error);
    void hand_over(int fd, const asio::ip::tcp::endpoint& remote);

    Acceptor acceptor_;
    Timer retry_timer_;
    ConnectionSet& connections_;
    const NetSettings& settings_;
    std::uint8_t number_;  // in the ConnectionSet's listener counters
    std::size_t refused_ = 0;
    bool stopped_ = false;
};

}  // namespace wg::net
