// Ending connections: Will release, session detach, logging and events.
#include "local_broker/core/broker.h"
#include "local_broker/core/connection_log.h"

namespace wg::core {

void Broker::protocol_error(Connection& connection, codec::ReasonCode reason, const std::string& detail) {
    close(connection, broker::DisconnectCause::ProtocolError, std::string(codec::reason_name(reason)) + ": " + detail);
}

void Broker::close(Connection& connection, broker::DisconnectCause cause, const std::string& reason) {
    ClientLink& link = connection.link;
    const std::uint64_t id = connection.id;
    if (!connection.connected) {
        log_closed(link.peer(), cause, reason);
    } else {
        broker::DisconnectedEvent event;
        event.client_id = connection.client_id;
        event.peer = link.peer();
        event.cause = cause;
        event.reason = reason;
        bool will_due = false;
        if (connection.has_will) {
            if (cause == broker::DisconnectCause::ClientDisconnect) {
                wills_.discard(connection.client_id);  // MQTT-3.14.4-3
            } else {
                will_due = wills_.release(connection.client_id, clock_.now());
            }
        }
        detach_session(connection);
        if (will_due) {
            const std::uint64_t published_before = counters_.wills_published;
            publish_due_wills();
            event.will_published = counters_.wills_published > published_before;
        }
        log_disconnected(event);
        for (auto* observer : observers_) observer->on_disconnected(event);
    }
    link.close();
    connections_.erase(id);
}

void Broker::detach_session(Connection& connection) {
    Session* session = connection.session;
    connection.session = nullptr;
    if (!session) return;
    session->connection = nullptr;
    if (session->clean_session) destroy_session(*session);
}

void Broker::destroy_session(Session& session) {
    for (const auto& [filter, qos] : session.subscriptions) subscriptions_.unsubscribe(filter, &session);
    const std::string client_id = session.client_id;  // the key must outlive the erase
    sessions_.erase(client_id);
}

void Broker::publish_due_wills() {
    for (auto& due : wills_.take_due(clock_.now())) {
        ++counters_.wills_published;
        route(make_message(std::move(due.will.topic), std::move(due.will.payload), due.will.qos, due.will.retain));
    }
}

}  // namespace wg::core
