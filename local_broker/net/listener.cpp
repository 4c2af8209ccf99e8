#include "local_broker/net/listener.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "common/log.h"
#include "local_broker/net/endpoint_name.h"

namespace wg::net {
namespace {

constexpr int kAcceptBatch = 64;  // connections accepted before other work gets a turn

Acceptor open_acceptor(asio::io_context& io, const std::string& bind, std::uint16_t port) {
    asio::ip::tcp::endpoint endpoint(asio::ip::make_address(bind), port);
    Acceptor acceptor(io.get_executor());
    std::error_code error;
    acceptor.open(endpoint.protocol(), error);
    if (error == asio::error::address_family_not_supported && bind == "::") {
        log::warning("IPv6 is not available: listening on 0.0.0.0 instead of [::]");
        endpoint = asio::ip::tcp::endpoint(asio::ip::address_v4::any(), port);
        error.clear();
        acceptor.open(endpoint.protocol(), error);
    }
    if (error) throw std::system_error(error, "cannot open a socket for " + bind);
    acceptor.set_option(Acceptor::reuse_address(true));
    if (endpoint.address().is_v6()) {
        // "::" takes IPv4 too; any other IPv6 address is IPv6 only anyway.
        acceptor.set_option(asio::ip::v6_only(false), error);
    }
    acceptor.bind(endpoint, error);
    if (error) throw std::system_error(error, "cannot listen on " + endpoint_name(endpoint));
    acceptor.listen(asio::socket_base::max_listen_connections, error);
    if (error) throw std::system_error(error, "cannot listen on " + endpoint_name(endpoint));
    acceptor.non_blocking(true, error);  // accept4() in a loop until the backlog is empty
    if (error) throw std::system_error(error, "cannot listen on " + endpoint_name(endpoint));
    return acceptor;
}

}  // namespace

Listener::Listener(asio::io_context& io, const std::string& bind, std::uint16_t port, ConnectionSet& connections,
                   const NetSettings& settings)
    : acceptor_(open_acceptor(io, bind, port)),
      retry_timer_(io.get_executor()),
      connections_(connections),
      settings_(settings),
      number_(connections.add_listener()) {}

void Listener::start() { wait_for_connections(); }

void Listener::stop() {
    stopped_ = true;
    std::error_code ignored;
    acceptor_.close(ignored);
    retry_timer_.cancel();
}

asio::ip::tcp::endpoint Listener::local_endpoint() const { return acceptor_.local_endpoint(); }

void Listener::wait_for_connections() {
    acceptor_.async_wait(Acceptor::wait_read, [this](const std::error_code& error) {
        if (stopped_ || error == asio::error::operation_aborted) return;
        if (error) {
            retry_later(error);
            return;
        }
        accept_batch();
    });
}

void Listener::accept_batch() {
    for (int i = 0; i < kAcceptBatch; ++i) {
        asio::ip::tcp::endpoint remote;
        auto length = static_cast<socklen_t>(remote.capacity());
        const int fd = ::accept4(acceptor_.native_handle(), remote.data(), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                wait_for_connections();  // the backlog is empty: the next connection is a new edge
                return;
            }
            if (errno == EINTR || errno == ECONNABORTED) continue;
            retry_later(std::error_code(errno, std::system_category()));
            return;
        }
        remote.resize(length);
        hand_over(fd, remote);
    }
    asio::post(acceptor_.get_executor(), [this] {
        if (!stopped_) accept_batch();
    });
}

void Listener::retry_later(const std::error_code& error) {
    log::warning("accept failed on " + endpoint_name(local_endpoint()) + ": " + error.message() +
                 " (retrying in 100 ms)");
    retry_timer_.expires_after(std::chrono::milliseconds(100));
    retry_timer_.async_wait([this](const std::error_code& timer_error) {
        if (!timer_error && !stopped_) accept_batch();
    });
}

// The connection uses the plain descriptor (no Asio socket per connection).
void Listener::hand_over(int fd, const asio::ip::tcp::endpoint& remote) {
    if (settings_.max_connections != 0 && connections_.open() >= settings_.max_connections) {
        // The first refusal and every 1000th are logged, so a flood cannot fill the log.
        if (refused_++ % 1000 == 0) {
            log::warning("refused connection from " + endpoint_name(remote) + ": limits.max_connections (" +
                         std::to_string(settings_.max_connections) + ") reached; refused so far: " +
                         std::to_string(refused_));
        }
        ::close(fd);
        return;
    }
    const int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    connections_.start(fd, endpoint_name(remote), number_);
}

}  // namespace wg::net
