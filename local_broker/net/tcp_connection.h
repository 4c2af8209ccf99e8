#pragma once
// One client socket: reads bytes, frames and decodes packets and hands them to
// the broker; queues the broker's replies and writes them in batches.
//
// Threading: everything runs on the io_context's single thread, the broker's
// event loop. Ownership: the connection holds itself (self_) from start() until
// the broker closes the link; after that the pending asynchronous operations
// (write, close timer) keep it alive until they finish.
//
// Reading: bytes are read into a buffer shared by all connections of the
// thread; only the tail of a packet that has not fully arrived is copied into
// the connection's own buffer, so an idle connection holds no read buffer.
// Reading pauses while more than max_output_buffer bytes are queued to the
// client (a client that does not read its acknowledgements cannot grow memory).
//
// Errors: a read or write error, or the peer closing, is reported once to the
// broker through on_closed(); a decode error through on_decode_error(). The
// broker then calls close().

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <asio.hpp>

#include "local_broker/core/broker.h"
#include "local_broker/net/asio_types.h"
#include "local_broker/core/client_link.h"
#include "local_broker/net/net_settings.h"

namespace wg::net {

// Counts open sockets; shared by the listeners and their connections.
struct ConnectionCount {
    std::size_t open = 0;
};

class TcpConnection final : public core::ClientLink, public std::enable_shared_from_this<TcpConnection> {
public:
    TcpConnection(Socket socket, core::Broker& broker, const NetSettings& settings,
                  std::shared_ptr<ConnectionCount> count);
    ~TcpConnection() override;

    void start();

    void write(std::span<const std::uint8_t> bytes) override;
    std::size_t pending_output() const override;
    void close() override;
    const std::string& peer() const override { return peer_; }
    void pause_reading() override { paused_by_broker_ = true; }
    void resume_reading() override;
    void notify_when_drained() override { drain_watch_ = true; }
    void hold_output() override { output_held_ = true; }
    void release_output() override;
    void drop_held_output() override;

private:
    void wait_readable();
    void on_readable(const std::error_code& error);
    std::size_t consume(std::span<const std::uint8_t> bytes);
    void report_closed(const std::error_code& error);
    void schedule_flush();
    void start_write();
    void on_written(const std::error_code& error);
    void close_socket();
    bool output_over_limit() const { return pending_output() > settings_.max_output_buffer; }
    bool must_pause() const { return paused_by_broker_ || output_over_limit(); }

    Socket socket_;
    core::Broker& broker_;
    const NetSettings& settings_;
    std::shared_ptr<ConnectionCount> count_;
    core::Connection* connection_ = nullptr;  // null once the broker closed this link
    std::string peer_;

    std::vector<std::uint8_t> input_;    // the start of a packet still arriving
    std::vector<std::uint8_t> output_;   // queued, not yet being written
    std::vector<std::uint8_t> writing_;  // handed to async_write
    bool write_in_progress_ = false;
    bool flush_scheduled_ = false;
    bool read_paused_ = false;       // not waiting for input (one of the two reasons below)
    bool paused_by_broker_ = false;  // flow control: a subscriber of ours is congested
    bool drain_watch_ = false;       // the broker wants on_output_drained()
    bool output_held_ = false;       // queued bytes wait for a commit (hold_output())
    bool closing_ = false;
    bool socket_closed_ = false;
    std::unique_ptr<Timer> linger_timer_;
    // Held from start() until the broker closes the link: while reading is
    // paused no asynchronous operation keeps the connection alive.
    std::shared_ptr<TcpConnection> self_;
};

}  // namespace wg::net
