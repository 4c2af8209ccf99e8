#include "local_broker/net/connection_set.h"

#include <stdexcept>

#include "common/log.h"
#include "local_broker/net/tcp_connection.h"

namespace wg::net {
namespace {

void dispatch(void* item, std::uint32_t events) { static_cast<TcpConnection*>(item)->on_events(events); }

}  // namespace

ConnectionSet::ConnectionSet(asio::io_context& io, core::Broker& broker, const NetSettings& settings)
    : io_(io), broker_(broker), settings_(settings), poller_(io, dispatch) {}

ConnectionSet::~ConnectionSet() = default;

std::uint8_t ConnectionSet::add_listener() {
    if (listener_counters_.size() > 255) throw std::length_error("more than 256 listeners");
    listener_counters_.emplace_back();
    return static_cast<std::uint8_t>(listener_counters_.size() - 1);
}

void ConnectionSet::start(int fd, std::string peer, std::uint8_t listener) {
    auto connection = std::make_unique<TcpConnection>(*this, fd, std::move(peer), listener);
    TcpConnection& started = *connection;
    ListenerCounters& counters = listener_counters_.at(listener);
    ++counters.open;
    ++counters.accepted;
    started.set_index(static_cast<std::uint32_t>(connections_.size()));
    connections_.push_back(std::move(connection));
    if (!started.start()) {
        log::warning("cannot watch the socket of " + started.peer() + ": closed");
        retire(started);
    }
}

void ConnectionSet::close_socket(int fd) {
    poller_.remove(fd);
    closer_.close(fd);
}

void ConnectionSet::flush_at_end_of_turn(TcpConnection& connection) {
    to_flush_.push_back(&connection);
    schedule_end_of_turn();
}

void ConnectionSet::retire(TcpConnection& connection) {
    retired_.push_back(&connection);
    schedule_end_of_turn();
}

// Runs after the handlers already queued on the io_context, so every event of
// this turn has been handled; one post per turn, however many connections.
void ConnectionSet::schedule_end_of_turn() {
    if (end_of_turn_scheduled_) return;
    end_of_turn_scheduled_ = true;
    asio::post(io_, [this] { end_of_turn(); });
}

void ConnectionSet::end_of_turn() {
    // A flush can close connections or queue bytes to others (a write error,
    // a drained subscriber releasing its publishers): loop until none is left.
    while (!to_flush_.empty()) {
        flushing_.swap(to_flush_);
        for (TcpConnection* connection : flushing_) connection->flush();
        flushing_.clear();
    }
    for (TcpConnection* connection : retired_) {
        --listener_counters_[connection->listener()].open;
        const std::uint32_t index = connection->index();
        if (index + 1 != connections_.size()) {
            connections_[index] = std::move(connections_.back());
            connections_[index]->set_index(index);
        }
        connections_.pop_back();
    }
    retired_.clear();
    end_of_turn_scheduled_ = false;
}

}  // namespace wg::net
