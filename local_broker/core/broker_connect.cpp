// CONNECT: client identifier rules, enhanced authentication, session takeover,
// session attach and resume, and the CONNACK with the broker's capabilities.
#include <algorithm>
#include <random>

#include "local_broker/core/broker.h"
#include "local_broker/core/connection_log.h"

namespace wg::core {

using codec::ProtocolVersion;
using codec::ReasonCode;

namespace {

// 3.1.1 clean session maps onto MQTT 5: clean session 1 = clean start and a
// session that ends with the connection; 0 = resume and keep it for ever.
std::uint32_t session_expiry(const codec::Connect& connect) {
    if (connect.version != ProtocolVersion::Mqtt5) return connect.clean_session ? 0 : kSessionNeverExpires;
    return connect.properties.session_expiry_interval.value_or(0);
}

}  // namespace

void Broker::handle_connect(Connection& connection, codec::Connect& connect) {
    connection.version = connect.version;
    const bool v5 = connection.is_v5();
    if (v5 && connect.properties.authentication_method) {
        // Enhanced authentication (4.12) is not offered by this broker.
        refuse_connect(connection, ReasonCode::BadAuthenticationMethod,
                       "authentication method '" + *connect.properties.authentication_method + "' not supported");
        return;
    }
    if (connect.will && persistence_ && !persistence_->healthy()) {
        // A Will that cannot be stored would be lost with a crash: refuse instead.
        refuse_connect(connection, v5 ? ReasonCode::QuotaExceeded : ReasonCode::ServerUnavailable,
                       "the store cannot take the Will (disk full or I/O error)");
        return;
    }
    std::string client_id = connect.client_id;
    bool id_assigned = false;
    if (client_id.empty()) {
        // 3.1.1 (MQTT-3.1.3-8): an empty id is only allowed with clean session 1;
        // 3.1 requires an id of 1 to 23 characters. MQTT 5 always assigns one.
        if (!v5 && (!connect.clean_session || connect.version == ProtocolVersion::Mqtt31)) {
            refuse_connect(connection, ReasonCode::ClientIdentifierNotValid,
                           connect.clean_session ? "empty client id (MQTT 3.1)" : "empty client id with clean session 0");
            return;
        }
        client_id = assign_client_id();
        id_assigned = true;
    }

    // Session takeover (MQTT-3.1.4-2): the old connection did not DISCONNECT, so
    // its Will is released when it is closed here (MQTT 5 sends it 0x8E first).
    if (auto it = sessions_.find(client_id); it != sessions_.end() && it->second->connection) {
        close(*it->second->connection, broker::DisconnectCause::SessionTakenOver,
              "new connection from " + connection.link.peer());
    }
    // A session whose expiry has passed is gone, even if the timer that
    // discards it has not run yet.
    auto existing = sessions_.find(client_id);
    if (existing != sessions_.end() && !existing->second->connection && existing->second->expires_at &&
        *existing->second->expires_at <= clock_.now()) {
        if (auto will = wills_.take_pending(client_id)) {
            log_will_published(client_id, will->topic);
            publish_will(client_id, *will, "session-ended");
        }
        destroy_session(*existing->second);
        existing = sessions_.end();
    }
    if (connect.clean_session || existing == sessions_.end()) {
        // Clean start, or no session to resume: the old session has ended, and a
        // Will still waiting for its delay goes out with it (3.1.3.2.2).
        if (auto will = wills_.take_pending(client_id)) {
            log_will_published(client_id, will->topic);
            publish_will(client_id, *will, "session-ended");
        }
    } else if (wills_.cancel_pending(client_id) && persistence_) {
        persistence_->will_removed(client_id);  // resumed within the Will Delay Interval
    }

    bool session_present = false;
    Session& session =
        attach_session(connection, client_id, connect.clean_session, session_expiry(connect), session_present);
    connection.connected = true;
    connection.session_expiry_was_zero = session.expiry_interval == 0;
    std::uint16_t keep_alive = connect.keep_alive;
    std::uint16_t server_keep_alive = 0;
    if (v5) {
        const auto& p = connect.properties;
        connection.receive_maximum = p.receive_maximum.value_or(65535);
        connection.maximum_packet_size = p.maximum_packet_size.value_or(0);
        connection.topic_alias_maximum = p.topic_alias_maximum.value_or(0);
        connection.problem_information = p.request_problem_information.value_or(1) != 0;
        if (settings_.max_keep_alive != 0 && (keep_alive == 0 || keep_alive > settings_.max_keep_alive)) {
            server_keep_alive = settings_.max_keep_alive;
            keep_alive = server_keep_alive;
        }
    }
    connection.keep_alive.set_keep_alive(keep_alive, clock_.now());

    broker::ConnectedEvent event;
    event.client_id = client_id;
    event.username = connect.username.value_or("");
    event.peer = connection.link.peer();
    event.protocol_version = static_cast<std::uint8_t>(connect.version);
    event.keep_alive = keep_alive;
    event.clean_session = connect.clean_session;
    event.session_present = session_present;
    if (connect.will) {
        const std::uint32_t delay_seconds = connect.will->properties.will_delay_interval.value_or(0);
        event.will = broker::WillSummary{connect.will->topic, static_cast<std::uint8_t>(connect.will->qos),
                                         connect.will->retain, delay_seconds, connect.will->payload.size()};
        const auto delay = std::chrono::seconds(delay_seconds);
        if (persistence_) persistence_->will_held(client_id, *connect.will, delay);
        wills_.hold(client_id, std::move(*connect.will), delay);
        connection.has_will = true;
    }

    send(connection, make_connack(connection, session_present, id_assigned, server_keep_alive));
    // "Accepted" means stored: the CONNACK waits for the Will's commit.
    if (connection.has_will && persistence_) hold_until_persisted(connection);
    log_connected(event);
    for (auto* observer : observers_) observer->on_connected(event);
    resume_session(session);
}

codec::Connack Broker::make_connack(const Connection& connection, bool session_present, bool id_assigned,
                                    std::uint16_t server_keep_alive) const {
    codec::Connack connack{session_present, ReasonCode::Success, {}};
    if (!connection.is_v5()) return connack;
    auto& p = connack.properties;
    // The broker's capabilities (3.2.2.3). Maximum QoS is left out: QoS 2 is supported.
    p.receive_maximum = settings_.max_inflight_messages;
    // Clients take 268435455 (the largest Remaining Length) as the top of the range.
    p.maximum_packet_size = std::min<std::uint32_t>(settings_.max_packet_size, codec::kMaxRemainingLength);
    p.topic_alias_maximum = settings_.max_topic_alias;
    p.retain_available = 1;
    p.wildcard_subscription_available = 1;
    p.subscription_identifier_available = 1;
    p.shared_subscription_available = 1;
    if (id_assigned) p.assigned_client_identifier = connection.session->client_id;
    if (server_keep_alive != 0) p.server_keep_alive = server_keep_alive;
    return connack;
}

void Broker::refuse_connect(Connection& connection, ReasonCode reason, const std::string& detail) {
    send(connection, codec::Connack{false, reason, {}});
    close(connection, broker::DisconnectCause::ProtocolError,
          "connection refused: " + std::string(codec::reason_name(reason)) + ": " + detail);
}

Session& Broker::attach_session(Connection& connection, const std::string& client_id, bool clean_start,
                                std::uint32_t expiry_interval, bool& session_present) {
    auto it = sessions_.find(client_id);
    if (it != sessions_.end() && clean_start) {
        destroy_session(*it->second);
        it = sessions_.end();
    }
    session_present = it != sessions_.end();
    if (!session_present)
        it = sessions_.emplace(client_id, std::make_unique<Session>(client_id, expiry_interval)).first;
    Session& session = *it->second;
    session.expiry_interval = expiry_interval;
    session.expires_at.reset();
    session.connection = &connection;
    connection.session = &session;
    store_session(session);
    return session;
}

void Broker::resume_session(Session& session) {
    // MQTT-4.4.0-1: unacknowledged PUBLISH packets are re-sent with DUP set, and
    // PUBREL packets re-sent, in their original order.
    // Delivery of these has started, so they go out even if they expired since
    // (3.3.2.3.3); one too big for the new connection's Maximum Packet Size is
    // discarded as if delivered.
    Connection& connection = *session.connection;
    std::erase_if(session.inflight, [&](const InflightMessage& inflight) {
        if (inflight.state == InflightState::AwaitPubcomp) {
            send(connection, codec::Pubrel{inflight.packet_id, ReasonCode::Success, {}});
            return false;
        }
        if (send_publish(connection, inflight.outgoing, inflight.packet_id, true)) return false;
        unstore_delivery(session, inflight.outgoing);
        return true;
    });
    fill_inflight(session);
}

std::string Broker::assign_client_id() {
    static constexpr char kHex[] = "0123456789abcdef";
    std::random_device random;
    for (;;) {
        std::string id = "wg-";
        for (int i = 0; i < 4; ++i) {
            const auto word = random();
            for (int shift = 0; shift < 32; shift += 8) id.push_back(kHex[(word >> shift) & 0xF]);
        }
        id.push_back('-');
        id.append(std::to_string(next_assigned_id_++));
        if (!sessions_.count(id)) return id;
    }
}

}  // namespace wg::core
