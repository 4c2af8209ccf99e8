#include "local_broker/net/listener.h"

#include "common/log.h"
#include "local_broker/net/endpoint_name.h"

namespace wg::net {
namespace {

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
    return acceptor;
}

}  // namespace

Listener::Listener(asio::io_context& io, const std::string& bind, std::uint16_t port, ConnectionSet& connections,
                   const NetSettings& settings)
    : acceptor_(open_acceptor(io, bind, port)),
      retry_timer_(io.get_executor()),
      connections_(connections),
      settings_(settings) {}

void Listener::start() { accept(); }

void Listener::stop() {
    stopped_ = true;
    std::error_code ignored;
    acceptor_.close(ignored);
    retry_timer_.cancel();
}

asio::ip::tcp::endpoint Listener::local_endpoint() const { return acceptor_.local_endpoint(); }

void Listener::accept() {
    acceptor_.async_accept([this](const std::error_code& error, Socket socket) {
        on_accept(error, std::move(socket));
    });
}

// The connection uses the plain descriptor (no Asio socket per connection).
void Listener::hand_over(Socket socket) {
    std::error_code error;
    const auto remote = socket.remote_endpoint(error);
    std::string peer = error ? std::string("unknown") : endpoint_name(remote);
    socket.set_option(asio::ip::tcp::no_delay(true), error);
    socket.non_blocking(true, error);
    if (error) return;  // the socket is closed when it goes out of scope
    const int fd = socket.release(error);
    if (error) return;
    connections_.start(fd, std::move(peer));
}

void Listener::on_accept(const std::error_code& error, Socket socket) {
    if (stopped_ || error == asio::error::operation_aborted) return;
    if (error) {
        log::warning("accept failed on " + endpoint_name(local_endpoint()) + ": " + error.message() +
                     " (retrying in 100 ms)");
        retry_timer_.expires_after(std::chrono::milliseconds(100));
        retry_timer_.async_wait([this](const std::error_code& timer_error) {
            if (!timer_error && !stopped_) accept();
        });
        return;
    }
    if (settings_.max_connections != 0 && connections_.open() >= settings_.max_connections) {
        // The first refusal and every 1000th are logged, so a flood cannot fill the log.
        if (refused_++ % 1000 == 0) {
            std::error_code ignored;
            log::warning("refused connection from " + endpoint_name(socket.remote_endpoint(ignored)) +
                         ": limits.max_connections (" + std::to_string(settings_.max_connections) +
                         ") reached; refused so far: " + std::to_string(refused_));
        }
        std::error_code ignored;
        socket.close(ignored);
    } else {
        hand_over(std::move(socket));
    }
    accept();
}

}  // namespace wg::net
