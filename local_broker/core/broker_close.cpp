// Ending connections and sessions: DISCONNECT in both directions, Will release,
// session detach and expiry, logging and events.
#include "local_broker/core/broker.h"
#include "local_broker/core/connection_log.h"

namespace wg::core {

using codec::ReasonCode;

namespace {

// The MQTT 5 DISCONNECT reason a server-initiated close carries, if any.
std::optional<ReasonCode> reason_for(broker::DisconnectCause cause) {
    switch (cause) {
        case broker::DisconnectCause::KeepAliveTimeout: return ReasonCode::KeepAliveTimeout;
        case broker::DisconnectCause::SessionTakenOver: return ReasonCode::SessionTakenOver;
        case broker::DisconnectCause::ServerShutdown: return ReasonCode::ServerShuttingDown;
        default: return std::nullopt;  // the client closed it, or the socket is gone
    }
}

}  // namespace

void Broker::handle_disconnect(Connection& connection, const codec::Disconnect& disconnect) {
    std::string detail;
    if (connection.is_v5()) {
        if (const auto& expiry = disconnect.properties.session_expiry_interval) {
            if (connection.session_expiry_was_zero && *expiry != 0) {
                protocol_error(connection, ReasonCode::ProtocolError,
                               "DISCONNECT sets a session expiry after CONNECT set 0");
                return;
            }
            connection.session->expiry_interval = *expiry;
        }
        // Only a Normal Disconnection (0x00) deletes the Will (3.1.2.5, 3.14.4): 0x04
        // asks for it, and a client reporting an error is not leaving cleanly either.
        connection.will_on_disconnect = disconnect.reason != ReasonCode::Success;
        if (disconnect.reason != ReasonCode::Success) detail = std::string(codec::reason_name(disconnect.reason));
        if (disconnect.properties.reason_string) detail += (detail.empty() ? "" : ": ") + *disconnect.properties.reason_string;
    }
    close(connection, broker::DisconnectCause::ClientDisconnect, detail);
}

void Broker::protocol_error(Connection& connection, ReasonCode reason, const std::string& detail) {
    close(connection, broker::DisconnectCause::ProtocolError, std::string(codec::reason_name(reason)) + ": " + detail,
          reason);
}

void Broker::close(Connection& connection, broker::DisconnectCause cause, const std::string& detail,
                   std::optional<ReasonCode> reason) {
    ClientLink& link = connection.link;
    const std::uint64_t id = connection.id;
    if (!connection.connected) {
        log_closed(link.peer(), cause, detail);
    } else {
        if (!reason) reason = reason_for(cause);
        if (reason && connection.is_v5()) {
            codec::Disconnect disconnect{*reason, {}};
            if (!detail.empty()) disconnect.properties.reason_string = detail;
            send(connection, disconnect);
        }
        broker::DisconnectedEvent event;
        const std::string client_id = connection.session->client_id;  // the session may go below
        event.client_id = client_id;
        event.peer = link.peer();
        event.cause = cause;
        event.reason = detail;
        event.activity = activity(connection);
        bool will_released = false;
        event.will_published = connection.will_published;
        if (connection.has_will) {
            if (cause == broker::DisconnectCause::ClientDisconnect && !connection.will_on_disconnect) {
                if (wills_.discard(client_id) && persistence_) persistence_->will_removed(client_id);  // MQTT-3.14.4-3
            } else {
                const std::uint32_t expiry = connection.session->expiry_interval;
                const auto session_left = expiry == kSessionNeverExpires
                                              ? std::nullopt
                                              : std::optional<std::chrono::seconds>(std::chrono::seconds(expiry));
                will_released = wills_.release(client_id, clock_.now(), session_left);
            }
        }
        detach_session(connection);
        if (will_released) {
            const std::uint64_t published_before = counters_.wills_published;
            publish_due_wills(broker::cause_name(cause));
            event.will_published = counters_.wills_published > published_before;
            const auto due = wills_.pending_due(client_id);
            event.will_delayed = due.has_value();
            if (due && persistence_) {
                // Delayed: stored with its wall-clock deadline, which a restart keeps.
                persistence_->will_pending(client_id, *wall_time(due));
            }
        }
        count(counters_.disconnects_by_cause, broker::cause_name(cause));
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
    release_publishers(*session);  // an offline session queues (or drops); it holds nobody back
    session->slow = false;
    redistribute_shared(*session);
    if (session->expiry_interval == 0) {
        destroy_session(*session);
        return;
    }
    if (session->expiry_interval != kSessionNeverExpires)
        session->expires_at = clock_.now() + std::chrono::seconds(session->expiry_interval);
    store_session(*session);
}

void Broker::destroy_session(Session& session) {
    release_publishers(session);
    if (session.stored) persistence_->session_removed(session.client_id);
    for (const auto& [filter, options] : session.subscriptions) subscriptions_.unsubscribe(filter, &session);
    const std::string client_id = session.client_id;  // the key must outlive the erase
    sessions_.erase(client_id);
}

void Broker::expire_sessions() {
    const auto now = clock_.now();
    if (now < next_expiry_check_) return;
    next_expiry_check_ = now + std::chrono::seconds(1);
    std::vector<Session*> expired;
    for (const auto& [client_id, session] : sessions_)
        if (!session->connection && session->expires_at && *session->expires_at <= now) expired.push_back(session.get());
    for (Session* session : expired) {
        // A Will still waiting for its delay is due now: its session has ended.
        if (auto will = wills_.take_pending(session->client_id)) {
            log_will_published(session->client_id, will->topic);
            publish_will(session->client_id, *will, "session-ended");
        }
        destroy_session(*session);
    }
}

void Broker::count(std::map<std::string, std::uint64_t, std::less<>>& counts, std::string_view name) {
    if (auto it = counts.find(name); it != counts.end()) ++it->second;
    else counts.emplace(std::string(name), 1);
}

void Broker::publish_will(const std::string& client_id, codec::Will& will, std::string_view why) {
    ++counters_.wills_published;
    count(counters_.wills_by_cause, why);
    if (persistence_) persistence_->will_removed(client_id);  // published at most once
    const broker::WillPublishedEvent event{client_id, will.topic, will.payload, static_cast<std::uint8_t>(will.qos),
                                           will.retain};
    for (auto* observer : observers_) observer->on_will_published(event);
    route(make_message(std::move(will.topic), std::move(will.payload), will.qos, will.retain,
                       std::move(will.properties), clock_, true));
}

void Broker::publish_due_wills(std::string_view why, bool announce) {
    for (auto& due : wills_.take_due(clock_.now())) {
        if (announce) log_will_published(due.client_id, due.will.topic);
        publish_will(due.client_id, due.will, why);
    }
}

}  // namespace wg::core
