// Incoming PUBLISH and the acknowledgements of both QoS flows.
#include "local_broker/core/broker.h"

namespace wg::core {

using codec::QoS;
using codec::ReasonCode;

// Replaces an MQTT 5 Topic Alias with its topic (3.3.2.3.4). Returns false
// after closing the connection for a bad alias.
bool Broker::resolve_topic_alias(Connection& connection, codec::Publish& publish) {
    const auto alias = publish.properties.topic_alias;
    if (!alias) return true;
    if (*alias == 0 || *alias > settings_.max_topic_alias) {
        protocol_error(connection, ReasonCode::TopicAliasInvalid,
                       "topic alias " + std::to_string(*alias) + " outside 1.." +
                           std::to_string(settings_.max_topic_alias));
        return false;
    }
    if (publish.topic.empty()) {
        auto& inbound = connection.topic_aliases().inbound;
        auto it = inbound.find(*alias);
        if (it == inbound.end()) {
            protocol_error(connection, ReasonCode::ProtocolError,
                           "topic alias " + std::to_string(*alias) + " used before it was set");
            return false;
        }
        publish.topic = it->second;
    } else {
        connection.topic_aliases().inbound.insert_or_assign(*alias, publish.topic);
    }
    return true;
}

void Broker::handle_publish(Connection& connection, codec::Publish& publish) {
    ++counters_.messages_received;
    ++connection.messages_received;
    if (!resolve_topic_alias(connection, publish)) return;
    Session& session = *connection.session;
    const QoS qos = publish.qos;
    const std::uint16_t packet_id = publish.packet_id;
    const bool v5 = connection.is_v5();
    if (v5) {
        if (qos == QoS::ExactlyOnce && !session.awaiting_pubrel(packet_id) &&
            session.awaiting_pubrel_count() >= settings_.max_inflight_messages) {
            protocol_error(connection, ReasonCode::ReceiveMaximumExceeded,
                           "more than " + std::to_string(settings_.max_inflight_messages) +
                               " QoS 2 messages awaiting PUBREL");
            return;
        }
        if (!publish.properties.subscription_identifiers.empty()) {
            // Only the server sets them (3.3.4).
            protocol_error(connection, ReasonCode::ProtocolError, "PUBLISH from a client with a subscription identifier");
            return;
        }
    }
    if (publish.retain && qos != QoS::AtMostOnce && persistence_ && !persistence_->healthy()) {
        // It could only be acknowledged by storing it: refused, not acknowledged and lost.
        if (!v5) {
            protocol_error(connection, ReasonCode::QuotaExceeded, "the store cannot take retained messages (disk full or I/O error)");
            return;
        }
        if (qos == QoS::AtLeastOnce) send(connection, codec::Puback{packet_id, ReasonCode::QuotaExceeded, {}});
        else send(connection, codec::Pubrec{packet_id, ReasonCode::QuotaExceeded, {}});
        return;
    }
    if (qos == QoS::ExactlyOnce && session.awaiting_pubrel(packet_id)) {
        // Delivered on first receipt; a re-sent PUBLISH with the same id before
        // PUBREL is only acknowledged again (MQTT-4.3.3-2, method B).
        send(connection, codec::Pubrec{packet_id, ReasonCode::Success, {}});
        return;
    }
    auto message = make_message(std::move(publish.topic), std::move(publish.payload), qos, publish.retain,
                                std::move(publish.properties), clock_);
    current_publisher_ = &connection;
    stored_while_routing_ = false;
    const std::size_t reached = route(message, &session);
    current_publisher_ = nullptr;
    const ReasonCode ack = v5 && reached == 0 ? ReasonCode::NoMatchingSubscribers : ReasonCode::Success;
    const bool must_store = qos != QoS::AtMostOnce && persistence_ &&
                            (message->retain || stored_while_routing_ || (qos == QoS::ExactlyOnce && session.stored));
    if (must_store && !persistence_->healthy()) {
        // Queued for a persistent session while the store fails: not
        // acknowledged, so that the publisher keeps it (it may still reach
        // online subscribers, and the store, once the disk recovers).
        if (!v5) {
            protocol_error(connection, ReasonCode::QuotaExceeded,
                           "the store cannot take messages for persistent sessions (disk full or I/O error)");
            return;
        }
        if (qos == QoS::AtLeastOnce) send(connection, codec::Puback{packet_id, ReasonCode::QuotaExceeded, {}});
        else send(connection, codec::Pubrec{packet_id, ReasonCode::QuotaExceeded, {}});
        return;
    }
    switch (qos) {
        case QoS::AtMostOnce:
            break;
        case QoS::AtLeastOnce:
            send(connection, codec::Puback{packet_id, ack, {}});
            break;
        case QoS::ExactlyOnce:
            if (!session.incoming_qos2) session.incoming_qos2 = std::make_unique<std::unordered_set<std::uint16_t>>();
            session.incoming_qos2->insert(packet_id);
            if (session.stored) persistence_->qos2_received(session.client_id, packet_id);
            send(connection, codec::Pubrec{packet_id, ack, {}});
            break;
    }
    // Acknowledged means stored: a retained message, and copies queued for
    // persistent sessions, are committed before the PUBACK/PUBREC goes out.
    if (must_store) hold_until_persisted(connection);
}

void Broker::handle_puback(Connection& connection, std::uint16_t packet_id) {
    Session& session = *connection.session;
    InflightMessage* inflight = session.find_inflight(packet_id);
    if (!inflight || inflight->state != InflightState::AwaitPuback) return;
    unstore_delivery(session, inflight->outgoing);
    session.erase_inflight(packet_id);
    fill_inflight(session);
}

void Broker::handle_pubrec(Connection& connection, std::uint16_t packet_id, ReasonCode reason) {
    Session& session = *connection.session;
    InflightMessage* inflight = session.find_inflight(packet_id);
    if (!inflight) {
        if (connection.is_v5() && !codec::is_error(reason))
            send(connection, codec::Pubrel{packet_id, ReasonCode::PacketIdentifierNotFound, {}});
        return;
    }
    if (inflight->state == InflightState::AwaitPuback) return;
    if (codec::is_error(reason)) {
        // MQTT 5: the client refused the message; the exchange ends here (4.3.3).
        unstore_delivery(session, inflight->outgoing);
        session.erase_inflight(packet_id);
        fill_inflight(session);
        return;
    }
    inflight->state = InflightState::AwaitPubcomp;
    store_delivery(session, inflight->outgoing, packet_id, InflightState::AwaitPubcomp);
    inflight->outgoing.message.reset();  // the payload is delivered; only the id remains
    send(connection, codec::Pubrel{packet_id, ReasonCode::Success, {}});
}

void Broker::handle_pubrel(Connection& connection, std::uint16_t packet_id) {
    Session& session = *connection.session;
    auto& awaiting = session.incoming_qos2;
    const bool known = awaiting && awaiting->erase(packet_id) != 0;
    if (known && session.stored) persistence_->qos2_released(session.client_id, packet_id);
    const ReasonCode reason =
        known || !connection.is_v5() ? ReasonCode::Success : ReasonCode::PacketIdentifierNotFound;
    send(connection, codec::Pubcomp{packet_id, reason, {}});
}

void Broker::handle_pubcomp(Connection& connection, std::uint16_t packet_id) {
    Session& session = *connection.session;
    InflightMessage* inflight = session.find_inflight(packet_id);
    if (!inflight || inflight->state != InflightState::AwaitPubcomp) return;
    unstore_delivery(session, inflight->outgoing);
    session.erase_inflight(packet_id);
    fill_inflight(session);
}

}  // namespace wg::core
