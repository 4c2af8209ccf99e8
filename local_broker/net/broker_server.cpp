#include "local_broker/net/broker_server.h"

namespace wg::net {

BrokerServer::BrokerServer(asio::io_context& io, core::Broker& broker, NetSettings settings)
    : io_(io),
      broker_(broker),
      settings_(settings),
      connections_(io, broker, settings_),
      tick_timer_(io.get_executor()) {}

asio::ip::tcp::endpoint BrokerServer::listen(const std::string& bind, std::uint16_t port) {
    listeners_.push_back(std::make_unique<Listener>(io_, bind, port, connections_, settings_));
    return listeners_.back()->local_endpoint();
}

void BrokerServer::start() {
    for (auto& listener : listeners_) listener->start();
    schedule_tick();
}

void BrokerServer::stop() {
    if (stopped_) return;
    stopped_ = true;
    for (auto& listener : listeners_) listener->stop();
    tick_timer_.cancel();
    broker_.shutdown();
}

void BrokerServer::schedule_tick() {
    tick_timer_.expires_after(settings_.tick_interval);
    tick_timer_.async_wait([this](const std::error_code& error) {
        if (error || stopped_) return;
        broker_.tick();
        schedule_tick();
    });
}

}  // namespace wg::net
