#include "local_broker/net/tcp_connection.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "local_broker/net/connection_set.h"

namespace wg::net {
namespace {

// Shared by every connection of the event-loop thread: bytes only stay here
// for the duration of one read() call.
std::span<std::uint8_t> read_buffer() {
    thread_local std::array<std::uint8_t, 64 * 1024> buffer;
    return buffer;
}

constexpr int kMaxReadsPerWakeup = 4;  // fairness between busy clients
constexpr std::size_t kKeepCapacity = 64 * 1024;
// Below this an emptied input or output buffer is freed: an idle connection
// then holds none, and reallocating a small buffer costs less than the system
// call that fills or empties it.
constexpr std::size_t kIdleCapacity = 512;

void release_if_large(std::vector<std::uint8_t>& buffer) {
    if (buffer.empty() && buffer.capacity() > kKeepCapacity) std::vector<std::uint8_t>().swap(buffer);
}

bool would_block(int error) { return error == EAGAIN || error == EWOULDBLOCK; }

int socket_error(int fd) {
    int error = 0;
    socklen_t size = sizeof error;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) != 0) return errno;
    return error;
}

}  // namespace

TcpConnection::TcpConnection(ConnectionSet& set, int fd, std::string peer, std::uint8_t listener)
    : set_(set), peer_(std::move(peer)), fd_(fd), listener_(listener) {}

TcpConnection::~TcpConnection() {
    if (!socket_closed_) ::close(fd_);
}

bool TcpConnection::start() {
    watched_ = EPOLLIN;
    if (set_.poller().add(fd_, this, watched_)) {
        watched_ = 0;
        socket_closed_ = true;
        ::close(fd_);
        return false;
    }
    connection_ = set_.broker().open(*this);
    return true;
}

void TcpConnection::on_events(std::uint32_t events) {
    if (socket_closed_) return;  // closed earlier in this round
    const bool failed = (events & (EPOLLERR | EPOLLHUP)) != 0;
    if (batch_active() && ((events & EPOLLOUT) || failed)) {
        send_batch();
        if (socket_closed_ || !connection_) return;
    }
    if (!connection_) {
        if (failed) close_socket();  // closing, and the peer is gone
        return;
    }
    if ((events & EPOLLIN) && (watched_ & EPOLLIN)) {
        read();
    } else if (failed) {
        // Reading is paused, so the error is not met by recv().
        report_closed(socket_error(fd_));
    }
}

void TcpConnection::read() {
    const auto buffer = read_buffer();
    for (int i = 0; i < kMaxReadsPerWakeup; ++i) {
        const ssize_t received = ::recv(fd_, buffer.data(), buffer.size(), 0);
        if (received < 0) {
            if (would_block(errno)) break;
            if (errno == EINTR) continue;
            report_closed(errno);
            return;
        }
        if (received == 0) {
            report_closed(0);
            return;
        }
        const auto n = static_cast<std::size_t>(received);
        set_.count_received(n);
        bytes_received_ += n;
        if (!input_ || input_->empty()) {
            const std::size_t used = consume(buffer.first(n));
            if (!connection_) return;
            if (used < n) {
                if (!input_) input_ = std::make_unique<std::vector<std::uint8_t>>();
                input_->assign(buffer.begin() + static_cast<std::ptrdiff_t>(used),
                               buffer.begin() + static_cast<std::ptrdiff_t>(n));
            }
        } else {
            input_->insert(input_->end(), buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n));
            const std::size_t used = consume(*input_);
            if (!connection_) return;
            input_->erase(input_->begin(), input_->begin() + static_cast<std::ptrdiff_t>(used));
        }
        if (input_ && input_->empty()) {
            if (input_->capacity() <= kIdleCapacity) input_.reset();
            else release_if_large(*input_);
        }
        if (n < buffer.size() || must_pause()) break;
    }
    if (must_pause()) {
        // Resumed once the client has read its replies, or by resume_reading()
        // once the subscriber we wait for has drained.
        read_paused_ = true;
        watch();
    }
}

void TcpConnection::resume_reading() {
    paused_by_broker_ = false;
    resume_if_possible();
}

void TcpConnection::resume_if_possible() {
    if (read_paused_ && connection_ && !must_pause()) {
        read_paused_ = false;
        watch();
    }
}

// Decodes and dispatches every whole packet at the start of `bytes`; returns
// how many bytes were used. Stops when the broker closes the connection.
std::size_t TcpConnection::consume(std::span<const std::uint8_t> bytes) {
    core::Broker& broker = set_.broker();
    std::size_t used = 0;
    while (connection_) {
        const auto rest = bytes.subspan(used);
        const codec::FrameResult frame = codec::read_frame_header(rest, set_.settings().max_packet_size);
        if (frame.status == codec::FrameStatus::Incomplete) break;
        if (frame.status == codec::FrameStatus::Error) {
            broker.on_decode_error(*connection_, frame.error);
            break;
        }
        const std::size_t size = frame.header.total_size();
        if (rest.size() < size) break;
        codec::DecodeResult result = codec::decode_packet(rest.first(size), broker.version(*connection_));
        used += size;
        if (auto* decode_error = std::get_if<codec::DecodeError>(&result)) {
            broker.on_decode_error(*connection_, *decode_error);
            break;
        }
        broker.on_packet(*connection_, std::move(std::get<codec::Packet>(result)));
    }
    return used;
}

void TcpConnection::report_closed(int error) {
    if (!connection_) return;
    if (error == 0)
        set_.broker().on_closed(*connection_, broker::DisconnectCause::PeerClosed, "");
    else
        set_.broker().on_closed(*connection_, broker::DisconnectCause::IoError,
                                std::error_code(error, std::system_category()).message());
    if (connection_) {
        // The broker keeps the link for now: stop reading, so the cause is not met twice.
        read_paused_ = true;
        paused_by_broker_ = true;
        watch();
    }
}

void TcpConnection::write(std::span<const std::uint8_t> bytes) {
    if (socket_closed_) return;
    output_.insert(output_.end(), bytes.begin(), bytes.end());
    schedule_flush();
}

bool TcpConnection::output_over_limit() const { return pending_output() > set_.settings().max_output_buffer; }

// Replies produced during one event-loop turn go out in one send.
void TcpConnection::schedule_flush() {
    if (flush_scheduled_ || batch_active() || (output_held_ && !closing_)) return;
    flush_scheduled_ = true;
    set_.flush_at_end_of_turn(*this);
}

void TcpConnection::flush() {
    flush_scheduled_ = false;
    start_write();
}

void TcpConnection::release_output() {
    output_held_ = false;
    schedule_flush();
}

void TcpConnection::drop_held_output() {
    // What is being written stays: the client must not get half a packet.
    if (output_held_) output_.resize(batch_end_);
    output_held_ = false;
}

void TcpConnection::start_write() {
    if (batch_active() || socket_closed_ || (output_held_ && !closing_)) return;
    if (output_.empty()) {
        if (closing_) close_socket();
        return;
    }
    batch_end_ = output_.size();
    send_batch();
}

// Sends the current batch until it is all out or the kernel is full.
void TcpConnection::send_batch() {
    while (batch_active()) {
        const ssize_t n = ::send(fd_, output_.data() + sent_, batch_end_ - sent_, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n >= 0) {
            sent_ += static_cast<std::size_t>(n);
            set_.count_sent(static_cast<std::size_t>(n));
            bytes_sent_ += static_cast<std::uint64_t>(n);
            continue;
        }
        if (errno == EINTR) continue;
        if (would_block(errno)) {
            if (!want_write_) {
                want_write_ = true;
                watch();
            }
            return;
        }
        on_write_error(errno);
        return;
    }
    if (want_write_) {
        want_write_ = false;
        watch();
    }
    on_batch_sent();
}

void TcpConnection::on_batch_sent() {
    output_.erase(output_.begin(), output_.begin() + static_cast<std::ptrdiff_t>(batch_end_));
    sent_ = 0;
    batch_end_ = 0;
    if (output_.empty() && output_.capacity() <= kIdleCapacity) std::vector<std::uint8_t>().swap(output_);
    release_if_large(output_);
    if (!output_.empty()) {
        start_write();
        if (socket_closed_) return;
    } else if (closing_) {
        close_socket();
        return;
    }
    if (drain_watch_ && connection_ && pending_output() <= set_.settings().max_output_buffer / 2) {
        drain_watch_ = false;
        set_.broker().on_output_drained(*connection_);
        if (!connection_ || socket_closed_) return;
    }
    resume_if_possible();
}

void TcpConnection::on_write_error(int error) {
    output_.clear();
    sent_ = 0;
    batch_end_ = 0;
    if (connection_) {
        report_closed(error);
        if (!connection_) return;
    }
    close_socket();
}

// Input while the broker reads from us and is not holding us back; output
// while a batch waits for room in the kernel.
void TcpConnection::watch() {
    if (socket_closed_) return;
    std::uint8_t events = 0;
    if (connection_ && !read_paused_) events |= EPOLLIN;
    if (want_write_) events |= EPOLLOUT;
    if (events == watched_) return;
    watched_ = events;
    if (const auto error = set_.poller().modify(fd_, this, events)) on_write_error(error.value());
}

void TcpConnection::close() {
    connection_ = nullptr;
    if (socket_closed_) {
        retire_when_done();
        return;
    }
    if (closing_) return;
    closing_ = true;
    if (pending_output() == 0) {
        close_socket();
        return;
    }
    watch();  // no more input
    // Let the queued bytes (a CONNACK refusal, say) go out, but not forever.
    linger_timer_ = std::make_unique<Timer>(set_.executor(), set_.settings().close_linger);
    linger_pending_ = true;
    linger_timer_->async_wait([this](const std::error_code& error) { on_linger_end(error); });
    start_write();
}

void TcpConnection::on_linger_end(const std::error_code& error) {
    linger_pending_ = false;
    if (!socket_closed_) {
        if (!error) close_socket();
        return;
    }
    retire_when_done();  // close_socket() waited for this handler
}

void TcpConnection::close_socket() {
    if (socket_closed_) return;
    socket_closed_ = true;
    // Closing ends the TCP connection (FIN, or RST if unread input is left);
    // the set does it off the event loop.
    set_.close_socket(fd_);
    output_.clear();
    if (linger_pending_) linger_timer_->cancel();  // its handler retires this connection
    retire_when_done();
}

// Deleted once the socket is closed, the broker has let go of the link and no
// timer handler refers to it.
void TcpConnection::retire_when_done() {
    if (!socket_closed_ || connection_ || linger_pending_ || retired_) return;
    retired_ = true;
    set_.retire(*this);
}

}  // namespace wg::net
