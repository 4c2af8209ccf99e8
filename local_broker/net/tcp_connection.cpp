#include "local_broker/net/tcp_connection.h"

#include <array>

#include "local_broker/net/endpoint_name.h"

namespace wg::net {
namespace {

// Shared by every connection of the event-loop thread: bytes only stay here
// for the duration of one on_readable() call.
std::span<std::uint8_t> read_buffer() {
    thread_local std::array<std::uint8_t, 64 * 1024> buffer;
    return buffer;
}

constexpr int kMaxReadsPerWakeup = 4;  // fairness between busy clients
constexpr std::size_t kKeepCapacity = 64 * 1024;

void release_if_large(std::vector<std::uint8_t>& buffer) {
    if (buffer.empty() && buffer.capacity() > kKeepCapacity) std::vector<std::uint8_t>().swap(buffer);
}

}  // namespace

TcpConnection::TcpConnection(Socket socket, core::Broker& broker, const NetSettings& settings,
                             std::shared_ptr<ConnectionCount> count)
    : socket_(std::move(socket)), broker_(broker), settings_(settings), count_(std::move(count)) {
    ++count_->open;
    std::error_code error;
    const auto remote = socket_.remote_endpoint(error);
    peer_ = error ? std::string("unknown") : endpoint_name(remote);
}

TcpConnection::~TcpConnection() { --count_->open; }

void TcpConnection::start() {
    std::error_code ignored;
    socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
    socket_.non_blocking(true, ignored);
    self_ = shared_from_this();
    connection_ = broker_.open(*this);
    wait_readable();
}

void TcpConnection::wait_readable() {
    socket_.async_wait(Socket::wait_read,
                       [self = shared_from_this()](const std::error_code& error) { self->on_readable(error); });
}

void TcpConnection::on_readable(const std::error_code& error) {
    if (!connection_) return;  // the broker closed this link meanwhile
    if (error) {
        report_closed(error);
        return;
    }
    const auto buffer = read_buffer();
    for (int i = 0; i < kMaxReadsPerWakeup; ++i) {
        std::error_code read_error;
        const std::size_t n = socket_.read_some(asio::buffer(buffer.data(), buffer.size()), read_error);
        if (read_error == asio::error::would_block || read_error == asio::error::try_again) break;
        if (read_error) {
            report_closed(read_error);
            return;
        }
        if (input_.empty()) {
            const std::size_t used = consume(buffer.first(n));
            if (!connection_) return;
            input_.assign(buffer.begin() + static_cast<std::ptrdiff_t>(used),
                          buffer.begin() + static_cast<std::ptrdiff_t>(n));
        } else {
            input_.insert(input_.end(), buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n));
            const std::size_t used = consume(input_);
            if (!connection_) return;
            input_.erase(input_.begin(), input_.begin() + static_cast<std::ptrdiff_t>(used));
        }
        release_if_large(input_);
        if (n < buffer.size() || must_pause()) break;
    }
    if (must_pause()) {
        // Resumed by on_written() once the client has read its replies, or by
        // resume_reading() once the subscriber we wait for has drained.
        read_paused_ = true;
        return;
    }
    wait_readable();
}

void TcpConnection::resume_reading() {
    paused_by_broker_ = false;
    if (read_paused_ && connection_ && !must_pause()) {
        read_paused_ = false;
        wait_readable();
    }
}

// Decodes and dispatches every whole packet at the start of `bytes`; returns
// how many bytes were used. Stops when the broker closes the connection.
std::size_t TcpConnection::consume(std::span<const std::uint8_t> bytes) {
    std::size_t used = 0;
    while (connection_) {
        const auto rest = bytes.subspan(used);
        const codec::FrameResult frame = codec::read_frame_header(rest, settings_.max_packet_size);
        if (frame.status == codec::FrameStatus::Incomplete) break;
        if (frame.status == codec::FrameStatus::Error) {
            broker_.on_decode_error(*connection_, frame.error);
            break;
        }
        const std::size_t size = frame.header.total_size();
        if (rest.size() < size) break;
        codec::DecodeResult result = codec::decode_packet(rest.first(size), broker_.version(*connection_));
        used += size;
        if (auto* decode_error = std::get_if<codec::DecodeError>(&result)) {
            broker_.on_decode_error(*connection_, *decode_error);
            break;
        }
        broker_.on_packet(*connection_, std::move(std::get<codec::Packet>(result)));
    }
    return used;
}

void TcpConnection::report_closed(const std::error_code& error) {
    if (!connection_) return;
    if (error == asio::error::eof)
        broker_.on_closed(*connection_, broker::DisconnectCause::PeerClosed, "");
    else
        broker_.on_closed(*connection_, broker::DisconnectCause::IoError, error.message());
}

void TcpConnection::write(std::span<const std::uint8_t> bytes) {
    if (socket_closed_) return;
    output_.insert(output_.end(), bytes.begin(), bytes.end());
    schedule_flush();
}

std::size_t TcpConnection::pending_output() const {
    return output_.size() + (write_in_progress_ ? writing_.size() : 0);
}

// Replies produced while handling one batch of input go out in one write.
void TcpConnection::schedule_flush() {
    if (flush_scheduled_ || write_in_progress_ || (output_held_ && !closing_)) return;
    flush_scheduled_ = true;
    asio::post(socket_.get_executor(), [self = shared_from_this()] {
        self->flush_scheduled_ = false;
        self->start_write();
    });
}

void TcpConnection::release_output() {
    output_held_ = false;
    schedule_flush();
}

void TcpConnection::drop_held_output() {
    if (output_held_) output_.clear();
    output_held_ = false;
}

void TcpConnection::start_write() {
    if (write_in_progress_ || socket_closed_ || (output_held_ && !closing_)) return;
    if (output_.empty()) {
        if (closing_) close_socket();
        return;
    }
    writing_.swap(output_);
    output_.clear();
    write_in_progress_ = true;
    asio::async_write(socket_, asio::buffer(writing_),
                      [self = shared_from_this()](const std::error_code& error, std::size_t) {
                          self->on_written(error);
                      });
}

void TcpConnection::on_written(const std::error_code& error) {
    write_in_progress_ = false;
    writing_.clear();
    release_if_large(writing_);
    if (socket_closed_) return;
    if (error) {
        if (connection_) {
            report_closed(error);
        } else {
            close_socket();
        }
        return;
    }
    if (!output_.empty()) {
        start_write();
    } else if (closing_) {
        close_socket();
        return;
    }
    if (drain_watch_ && connection_ && pending_output() <= settings_.max_output_buffer / 2) {
        drain_watch_ = false;
        broker_.on_output_drained(*connection_);
        if (!connection_) return;
    }
    if (read_paused_ && connection_ && !must_pause()) {
        read_paused_ = false;
        wait_readable();
    }
}

void TcpConnection::close() {
    const auto keep_alive_until_return = std::move(self_);
    connection_ = nullptr;
    if (closing_) return;
    closing_ = true;
    if (!write_in_progress_ && output_.empty()) {
        close_socket();
        return;
    }
    // Let the queued bytes (a CONNACK refusal, say) go out, but not forever.
    linger_timer_ = std::make_unique<Timer>(socket_.get_executor(), settings_.close_linger);
    linger_timer_->async_wait([self = shared_from_this()](const std::error_code& error) {
        if (!error) self->close_socket();
    });
    if (!write_in_progress_) start_write();
}

void TcpConnection::close_socket() {
    if (socket_closed_) return;
    socket_closed_ = true;
    std::error_code ignored;
    socket_.shutdown(Socket::shutdown_both, ignored);
    socket_.close(ignored);
    if (linger_timer_) linger_timer_->cancel();
    output_.clear();
}

}  // namespace wg::net
