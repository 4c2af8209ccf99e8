#include "local_broker/net/broker_server.h"

#include "common/clock.h"
#include "local_broker/core/sys_topics.h"
#include "local_broker/net/endpoint_name.h"

namespace wg::net {
namespace {

std::int64_t wall_ms() { return epoch_ms(std::chrono::system_clock::now()); }

}  // namespace

BrokerServer::BrokerServer(asio::io_context& io, core::Broker& broker, NetSettings settings)
    : io_(io),
      broker_(broker),
      settings_(settings),
      connections_(io, broker, settings_),
      tick_timer_(io.get_executor()),
      status_timer_(io.get_executor()),
      started_ms_(wall_ms()) {
    board_.update(collect_status());
}

asio::ip::tcp::endpoint BrokerServer::listen(const std::string& bind, std::uint16_t port) {
    listeners_.push_back(std::make_unique<Listener>(io_, bind, port, connections_, settings_));
    return listeners_.back()->local_endpoint();
}

void BrokerServer::start() {
    for (auto& listener : listeners_) listener->start();
    schedule_tick();
    refresh_status();
}

void BrokerServer::stop() {
    if (stopped_) return;
    stopped_ = true;
    for (auto& listener : listeners_) listener->stop();
    tick_timer_.cancel();
    status_timer_.cancel();
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

namespace wg::net {

void BrokerServer::schedule_status() {
    status_timer_.expires_after(settings_.status_interval);
    status_timer_.async_wait([this](const std::error_code& error) {
        if (error || stopped_) return;
        refresh_status();
    });
}

void BrokerServer::refresh_status() {
    broker::BrokerStatus status = collect_status();
    const auto now = std::chrono::steady_clock::now();
    if (settings_.sys_interval.count() > 0 && now >= next_sys_publish_) {
        next_sys_publish_ = now + settings_.sys_interval;
        for (auto& [topic, payload] : core::sys_topics(status)) broker_.publish_local(topic, payload, true);
    }
    board_.update(std::move(status));
    if (now >= next_activity_report_) {
        next_activity_report_ = now + settings_.activity_interval;
        broker_.report_activity();
    }
    schedule_status();
}

broker::BrokerStatus BrokerServer::collect_status() const {
    const core::BrokerStats stats = broker_.stats();
    broker::BrokerStatus status;
    status.version = settings_.version;
    status.started_ms = started_ms_;
    status.updated_ms = wall_ms();
    status.clients_connected = stats.clients_connected;
    status.clients_disconnected = stats.sessions - std::min(stats.sessions, stats.clients_connected);
    status.clients_total = status.clients_connected + status.clients_disconnected;
    status.subscriptions = stats.subscriptions;
    status.retained_messages = stats.retained_messages;
    status.messages_received = stats.messages_received;
    status.messages_sent = stats.messages_sent;
    status.messages_dropped = stats.messages_dropped;
    status.bytes_received = connections_.bytes_received();
    status.bytes_sent = connections_.bytes_sent();
    status.wills_published = stats.wills_published;
    status.disconnects_by_cause.insert(stats.disconnects_by_cause.begin(), stats.disconnects_by_cause.end());
    status.wills_by_cause.insert(stats.wills_by_cause.begin(), stats.wills_by_cause.end());
    const auto& counters = connections_.listener_counters();
    for (std::size_t i = 0; i < listeners_.size() && i < counters.size(); ++i)
        status.listeners.push_back(broker::ListenerStatus{endpoint_name(listeners_[i]->local_endpoint()),
                                                          counters[i].open, counters[i].accepted});
    return status;
}

}  // namespace wg::net
