// CONNECT: client identifier rules, session takeover, session attach and resume.
#include <random>

#include "local_broker/core/broker.h"
#include "local_broker/core/connection_log.h"

namespace wg::core {

using codec::ReasonCode;

void Broker::handle_connect(Connection& connection, codec::Connect& connect) {
    connection.version = connect.version;
    std::string client_id = connect.client_id;
    if (client_id.empty()) {
        // 3.1.1 (MQTT-3.1.3-8): an empty id is only allowed with clean session 1.
        // 3.1 requires an id of 1 to 23 characters.
        if (!connect.clean_session || connect.version == codec::ProtocolVersion::Mqtt31) {
            refuse_connect(connection, ReasonCode::ClientIdentifierNotValid,
                           connect.clean_session ? "empty client id (MQTT 3.1)" : "empty client id with clean session 0");
            return;
        }
        client_id = assign_client_id();
    }

    // Session takeover (MQTT-3.1.4-2): the old connection did not DISCONNECT, so
    // its Will is published when it is closed here.
    if (auto it = sessions_.find(client_id); it != sessions_.end() && it->second->connection) {
        close(*it->second->connection, broker::DisconnectCause::SessionTakenOver,
              "new connection from " + connection.link.peer());
    }
    wills_.cancel_pending(client_id);

    bool session_present = false;
    Session& session = attach_session(connection, client_id, connect.clean_session, session_present);
    connection.connected = true;
    connection.client_id = client_id;
    connection.keep_alive.set_keep_alive(connect.keep_alive, clock_.now());

    broker::ConnectedEvent event;
    event.client_id = client_id;
    event.username = connect.username.value_or("");
    event.peer = connection.link.peer();
    event.protocol_version = static_cast<std::uint8_t>(connect.version);
    event.keep_alive = connect.keep_alive;
    event.clean_session = connect.clean_session;
    event.session_present = session_present;
    if (connect.will) {
        event.will = broker::WillSummary{connect.will->topic, static_cast<std::uint8_t>(connect.will->qos),
                                         connect.will->retain, connect.will->payload.size()};
        wills_.hold(client_id, std::move(*connect.will), std::chrono::seconds{0});
        connection.has_will = true;
    }

    send(connection, codec::Connack{session_present, ReasonCode::Success});
    log_connected(event);
    for (auto* observer : observers_) observer->on_connected(event);
    resume_session(session);
}

void Broker::refuse_connect(Connection& connection, ReasonCode reason, const std::string& detail) {
    send(connection, codec::Connack{false, reason});
    close(connection, broker::DisconnectCause::ProtocolError,
          "connection refused: " + std::string(codec::reason_name(reason)) + ": " + detail);
}

Session& Broker::attach_session(Connection& connection, const std::string& client_id, bool clean_session,
                                bool& session_present) {
    auto it = sessions_.find(client_id);
    if (it != sessions_.end() && clean_session) {
        destroy_session(*it->second);
        it = sessions_.end();
    }
    session_present = it != sessions_.end();
    if (!session_present) it = sessions_.emplace(client_id, std::make_unique<Session>(client_id, clean_session)).first;
    Session& session = *it->second;
    session.clean_session = clean_session;
    session.connection = &connection;
    connection.session = &session;
    return session;
}

void Broker::resume_session(Session& session) {
    // MQTT-4.4.0-1: unacknowledged PUBLISH packets are re-sent with DUP set, and
    // PUBREL packets re-sent, in their original order.
    for (const auto& inflight : session.inflight) send_inflight(session, inflight, true);
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
        id += "-" + std::to_string(next_assigned_id_++);
        if (!sessions_.count(id)) return id;
    }
}

}  // namespace wg::core
