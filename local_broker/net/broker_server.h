#pragma once
// The broker's network front: its listeners and the timer that drives the
// broker's clocks, all on one io_context.
//
// Threading: constructed and driven on the thread that runs the io_context.
// Errors: listen() throws std::system_error when an address cannot be bound.

#include <memory>
#include <string>
#include <vector>

#include <asio.hpp>

#include "local_broker/core/broker.h"
#include "local_broker/net/asio_types.h"
#include "local_broker/net/connection_set.h"
#include "local_broker/net/listener.h"
#include "local_broker/net/net_settings.h"
#include "local_broker/net/status_board.h"

namespace wg::net {

class BrokerServer {
public:
    BrokerServer(asio::io_context& io, core::Broker& broker, NetSettings settings);

    // Opens a listener and returns the address it is bound to (port 0 gets a free port).
    asio::ip::tcp::endpoint listen(const std::string& bind, std::uint16_t port);

    // Starts accepting and the broker timer.
    void start();

    // Stops accepting and closes every connection (their Wills are published);
    // queued bytes are flushed for at most close_linger, then the io_context
    // runs out of work.
    void stop();

    // The broker's figures, refreshed every status_interval (any thread may read them).
    const broker::BrokerStatusSource& status() const { return board_; }

private:
    void schedule_tick();
    void schedule_status();
    // Takes the figures now and posts them to the board; every sys_interval
    // they are also published on the $SYS topics.
    void refresh_status();
    broker::BrokerStatus collect_status() const;

    asio::io_context& io_;
    core::Broker& broker_;
    NetSettings settings_;
    ConnectionSet connections_;
    std::vector<std::unique_ptr<Listener>> listeners_;
    Timer tick_timer_;
    Timer status_timer_;
    StatusBoard board_;
    std::int64_t started_ms_;
    std::chrono::steady_clock::time_point next_sys_publish_{};
    std::chrono::steady_clock::time_point next_activity_report_{};
    bool stopped_ = false;
};

}  // namespace wg::net
