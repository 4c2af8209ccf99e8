#include "mqtt_load/mqtt_client.h"

#include <sys/socket.h>

#include <cerrno>

#include "mqtt_load/clock.h"
#include "mqtt_load/tcp.h"

namespace wg::mqtt_load {
namespace {

constexpr int kReadsPerWakeup = 4;

}  // namespace

MqttClient::MqttClient(EventLoop& loop, ClientHandler& handler, std::size_t index)
    : loop_{loop}, handler_{handler}, index_{index} {}

MqttClient::~MqttClient() { close(); }

int MqttClient::connect(const sockaddr_in& address, bool no_delay) {
    close();  // a reconnect starts from a clean slate
    ConnectStart start = start_connect(address, no_delay);
    if (start.error != 0) return start.error;
    fd_ = std::move(start.fd);
    handler_.on_connect_started(*this);
    const int error = send_queued();
    if (error != 0 && error != EAGAIN) {
        fd_.reset();
        output_.clear();
        output_head_ = 0;
        return error;
    }
    connecting_ = error == EAGAIN;  // still in the handshake: wait until writable
    interest_ = connecting_ ? EPOLLOUT : EPOLLIN;
    loop_.add(fd_.get(), interest_, *this);
    return 0;
}

int MqttClient::send_queued() {
    while (output_head_ < output_.size()) {
        const ssize_t sent = ::send(fd_.get(), output_.data() + output_head_,
                                    output_.size() - output_head_, MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR) continue;
            return errno == EWOULDBLOCK ? EAGAIN : errno;
        }
        output_head_ += static_cast<std::size_t>(sent);
    }
    return 0;
}

void MqttClient::queue(std::span<const std::uint8_t> bytes) {
    if (!is_open()) return;
    if (output_head_ == output_.size()) {
        output_.clear();
        output_head_ = 0;
    }
    output_.insert(output_.end(), bytes.begin(), bytes.end());
}

void MqttClient::flush() {
    if (!is_open() || connecting_) return;
    if (const int error = send_queued(); error != 0 && error != EAGAIN) {
        fail(error);
        return;
    }
    if (output_head_ == output_.size()) {
        output_.clear();
        output_head_ = 0;
    } else if (output_head_ > 1024 * 1024) {
        output_.erase(output_.begin(), output_.begin() + static_cast<std::ptrdiff_t>(output_head_));
        output_head_ = 0;
    }
    update_interest();
}

std::size_t MqttClient::write_direct(std::span<const std::uint8_t> bytes) {
    if (!is_open() || connecting_ || pending_output() > 0) return 0;
    const ssize_t sent = ::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0) {
        if (errno != EAGAIN && errno != EINTR) fail(errno);
        return 0;
    }
    return static_cast<std::size_t>(sent);
}

void MqttClient::want_writable(bool on) {
    want_writable_ = on;
    update_interest();
}

void MqttClient::close(bool reset) {
    if (!is_open()) return;
    if (reset) set_linger_reset(fd_.get());
    fd_.reset();  // closing the descriptor also removes it from the epoll set
    output_.clear();
    output_head_ = 0;
    reader_.reset();
}

void MqttClient::update_interest() {
    if (!is_open() || connecting_) return;
    std::uint32_t wanted = EPOLLIN;
    if (pending_output() > 0 || want_writable_) wanted |= EPOLLOUT;
    if (wanted != interest_) {
        interest_ = wanted;
        loop_.modify(fd_.get(), interest_, *this);
    }
}

void MqttClient::on_events(std::uint32_t events) {
    if (!is_open()) return;  // closed earlier in this batch
    if (connecting_) {
        handle_connect_done();
        return;
    }
    if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0) {
        handle_readable();
        if (!is_open()) return;
    }
    if ((events & EPOLLOUT) != 0) {
        flush();
        if (is_open() && pending_output() == 0 && want_writable_) handler_.on_writable(*this);
    }
}

void MqttClient::handle_connect_done() {
    const int error = socket_error(fd_.get());
    if (error != 0) {
        fail(error);
        return;
    }
    connecting_ = false;
    interest_ = 0;
    flush();
}

void MqttClient::handle_readable() {
    const std::span<std::uint8_t> buffer = loop_.scratch();
    for (int i = 0; i < kReadsPerWakeup; ++i) {
        const ssize_t received = ::recv(fd_.get(), buffer.data(), buffer.size(), 0);
        if (received == 0) {
            fail(0);
            return;
        }
        if (received < 0) {
            if (errno == EAGAIN || errno == EINTR) break;
            fail(errno);
            return;
        }
        last_read_ns_ = monotonic_ns();
        const auto size = static_cast<std::size_t>(received);
        const FrameReader::Result result = reader_.feed(
            buffer.first(size), [this](std::uint8_t header, std::span<const std::uint8_t> body) {
                handler_.on_packet(*this, header, body);
                return is_open();
            });
        if (result == FrameReader::Result::Malformed) {
            fail(EPROTO);
            return;
        }
        if (!is_open()) return;
        if (size < buffer.size()) break;  // drained; skip the extra EAGAIN round trip
    }
    if (pending_output() > 0) flush();
}

void MqttClient::fail(int error) {
    if (!is_open()) return;
    fd_.reset();
    output_.clear();
    output_head_ = 0;
    reader_.reset();
    handler_.on_closed(*this, error);
}

}  // namespace wg::mqtt_load
