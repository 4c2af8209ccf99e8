#pragma once
// One client socket: reads bytes, frames and decodes packets and hands them to
// the broker; queues the broker's replies and writes them in batches.
//
// The socket is a plain non-blocking file descriptor in the event loop's
// Poller (no Asio object per connection): recv() when the poller reports it
// readable, send() at the end of the event-loop turn in which bytes were
// queued, and only while the kernel cannot take everything is it also watched
// for writability.
//
// Threading: everything runs on the io_context's single thread, the broker's
// event loop. Ownership: the ConnectionSet owns the connection from accept
// until the socket is closed, and deletes it at the end of that turn.
//
// Reading: bytes are read into a buffer shared by all connections of the
// thread; only the tail of a packet that has not fully arrived is copied into
// the connection's own buffer, so an idle connection holds no read buffer.
// Reading pauses while more than max_output_buffer bytes are queued to the
// client (a client that does not read its acknowledgements cannot grow memory),
// and while the broker asks for it (flow control).
//
// Errors: a read or write error, or the peer closing, is reported once to the
// broker through on_closed(); a decode error through on_decode_error(). The
// broker then calls close(), which flushes what is queued for at most
// close_linger before the socket is closed.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "local_broker/core/broker.h"
#include "local_broker/core/client_link.h"
#include "local_broker/net/asio_types.h"

namespace wg::net {

class ConnectionSet;

class TcpConnection final : public core::ClientLink {
public:
    // Takes ownership of `fd`, a connected non-blocking TCP socket.
    TcpConnection(ConnectionSet& set, int fd, std::string peer, std::uint8_t listener);
    // Closes the socket if it is still open (without telling the broker).
    ~TcpConnection() override;
    TcpConnection(const TcpConnection&) = delete;
    TcpConnection& operator=(const TcpConnection&) = delete;

    // Starts watching the socket and opens the broker connection; false (and
    // the socket is closed) if the socket cannot be watched.
    bool start();

    // The poller reports the socket ready (epoll event bits).
    void on_events(std::uint32_t events);
    // End of the turn in which bytes were queued (ConnectionSet).
    void flush();
    bool socket_closed() const { return socket_closed_; }

    // Position in the ConnectionSet's list.
    std::uint32_t index() const { return index_; }
    void set_index(std::uint32_t index) { index_ = index; }
    // The listener that accepted it (ConnectionSet::add_listener()).
    std::uint8_t listener() const { return listener_; }

    void write(std::span<const std::uint8_t> bytes) override;
    std::size_t pending_output() const override { return output_.size() - sent_; }
    void close() override;
    const std::string& peer() const override { return peer_; }
    void pause_reading() override { paused_by_broker_ = true; }
    void resume_reading() override;
    void notify_when_drained() override { drain_watch_ = true; }
    void hold_output() override { output_held_ = true; }
    void release_output() override;
    void drop_held_output() override;
    std::uint64_t bytes_received() const override { return bytes_received_; }
    std::uint64_t bytes_sent() const override { return bytes_sent_; }

private:
    void read();
    std::size_t consume(std::span<const std::uint8_t> bytes);
    void report_closed(int error);  // 0: the peer closed
    void schedule_flush();
    void start_write();
    void send_batch();
    void on_batch_sent();
    void on_write_error(int error);
    void resume_if_possible();
    void watch();  // tells the poller what to wait for
    void close_socket();
    void on_linger_end(const std::error_code& error);
    void retire_when_done();
    bool batch_active() const { return sent_ < batch_end_; }
    bool output_over_limit() const;
    bool must_pause() const { return paused_by_broker_ || output_over_limit(); }

    ConnectionSet& set_;
    core::Connection* connection_ = nullptr;  // null once the broker closed this link
    std::string peer_;

    // The start of a packet still arriving; created when a read ends inside a
    // packet, so that most idle connections have none.
    std::unique_ptr<std::vector<std::uint8_t>> input_;
    std::vector<std::uint8_t> output_;  // queued bytes; [sent_, batch_end_) is being written
    std::size_t sent_ = 0;
    std::size_t batch_end_ = 0;
    std::unique_ptr<Timer> linger_timer_;  // only while a close waits for queued bytes
    std::uint64_t bytes_received_ = 0;
    std::uint64_t bytes_sent_ = 0;

    int fd_;
    std::uint32_t index_ = 0;
    std::uint8_t watched_ = 0;           // epoll events the poller waits for (EPOLLIN, EPOLLOUT)
    std::uint8_t listener_;
    bool want_write_ : 1 = false;        // the kernel did not take a whole batch
    bool flush_scheduled_ : 1 = false;
    bool read_paused_ : 1 = false;       // not waiting for input (one of the two reasons below)
    bool paused_by_broker_ : 1 = false;  // flow control: a subscriber of ours is congested
    bool drain_watch_ : 1 = false;       // the broker wants on_output_drained()
    bool output_held_ : 1 = false;       // queued bytes wait for a commit (hold_output())
    bool closing_ : 1 = false;
    bool socket_closed_ : 1 = false;
    bool linger_pending_ : 1 = false;    // the linger timer's handler has not run yet
    bool retired_ : 1 = false;           // handed to the ConnectionSet for deletion
};

}  // namespace wg::net
