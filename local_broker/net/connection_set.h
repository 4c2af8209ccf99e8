#pragma once
// The client connections of one event loop: owns every TcpConnection from
// accept until its socket is closed, counts them for limits.max_connections,
// and runs the end of each event-loop turn: the writes queued during the turn
// go out together (one send per connection), then connections closed during
// the turn are deleted.
//
// Deleting only at the end of a turn means a connection is never destroyed
// while code of it is on the stack: a connection closed while the broker
// handles another one's packet, or while its own event is being dispatched,
// stays valid (closed) until every handler of the turn has returned.
//
// Threading: the io_context's single thread only. Errors: a socket that cannot
// be watched is closed at once and never reaches the broker.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <asio.hpp>

#include "local_broker/core/broker.h"
#include "local_broker/net/asio_types.h"
#include "local_broker/net/net_settings.h"
#include "local_broker/net/poller.h"
#include "local_broker/net/socket_closer.h"

namespace wg::net {

class TcpConnection;

class ConnectionSet {
public:
    ConnectionSet(asio::io_context& io, core::Broker& broker, const NetSettings& settings);
    // Closes the sockets still open without telling the broker (the broker
    // has shut down by then, or the process is ending).
    ~ConnectionSet();
    ConnectionSet(const ConnectionSet&) = delete;
    ConnectionSet& operator=(const ConnectionSet&) = delete;

    // What went through this set's sockets, and per listener, since start.
    struct ListenerCounters {
        std::uint64_t open = 0;
        std::uint64_t accepted = 0;
    };
    // A listener that hands sockets to this set; returns the number it passes to start().
    std::uint8_t add_listener();
    const std::vector<ListenerCounters>& listener_counters() const { return listener_counters_; }
    std::uint64_t bytes_received() const { return bytes_received_; }
    std::uint64_t bytes_sent() const { return bytes_sent_; }
    void count_received(std::size_t bytes) { bytes_received_ += bytes; }
    void count_sent(std::size_t bytes) { bytes_sent_ += bytes; }

    // Takes a connected non-blocking socket, accepted by listener `listener`,
    // and opens its connection with the broker.
    void start(int fd, std::string peer, std::uint8_t listener);

    // Sockets open or still flushing before their close.
    std::size_t open() const { return connections_.size(); }

    // For the connections.
    core::Broker& broker() const { return broker_; }
    const NetSettings& settings() const { return settings_; }
    Poller& poller() { return poller_; }
    // Takes `fd` out of the poller and closes it on the closer's thread.
    void close_socket(int fd);
    Executor executor() const { return io_.get_executor(); }
    // `connection` writes its queued bytes at the end of this turn.
    void flush_at_end_of_turn(TcpConnection& connection);
    // `connection` has closed its socket: deleted at the end of this turn.
    void retire(TcpConnection& connection);

private:
    void schedule_end_of_turn();
    void end_of_turn();

    asio::io_context& io_;
    core::Broker& broker_;
    const NetSettings& settings_;
    Poller poller_;
    SocketCloser closer_;
    // Each connection knows its index here (swap-and-pop removal).
    std::vector<std::unique_ptr<TcpConnection>> connections_;
    std::vector<TcpConnection*> to_flush_;
    std::vector<TcpConnection*> flushing_;
    std::vector<TcpConnection*> retired_;
    bool end_of_turn_scheduled_ = false;
    std::vector<ListenerCounters> listener_counters_;
    std::uint64_t bytes_received_ = 0;
    std::uint64_t bytes_sent_ = 0;
};

}  // namespace wg::net
