// PUBLISH in both directions: routing to matching sessions, QoS 1/2 flows,
// in-flight windows and per-client queues.
#include "local_broker/core/broker.h"
#include "local_broker/core/connection_log.h"
#include "common/log.h"

namespace wg::core {

using codec::QoS;

void Broker::handle_publish(Connection& connection, codec::Publish& publish) {
    ++counters_.messages_received;
    const QoS qos = publish.qos;
    const std::uint16_t packet_id = publish.packet_id;
    auto message = make_message(std::move(publish.topic), std::move(publish.payload), qos, publish.retain);
    switch (qos) {
        case QoS::AtMostOnce:
            route(message);
            break;
        case QoS::AtLeastOnce:
            route(message);
            send(connection, codec::Puback{packet_id});
            break;
        case QoS::ExactlyOnce:
            // Delivered once on first receipt; a re-sent PUBLISH with the same id
            // before PUBREL is only acknowledged again (MQTT-4.3.3-2, method B).
            if (connection.session->incoming_qos2.insert(packet_id).second) route(message);
            send(connection, codec::Pubrec{packet_id});
            break;
    }
}

void Broker::handle_puback(Connection& connection, std::uint16_t packet_id) {
    Session& session = *connection.session;
    InflightMessage* inflight = session.find_inflight(packet_id);
    if (!inflight || inflight->state != InflightState::AwaitPuback) return;
    session.erase_inflight(packet_id);
    fill_inflight(session);
}

void Broker::handle_pubrec(Connection& connection, std::uint16_t packet_id) {
    Session& session = *connection.session;
    InflightMessage* inflight = session.find_inflight(packet_id);
    if (!inflight || inflight->state == InflightState::AwaitPuback) return;
    inflight->state = InflightState::AwaitPubcomp;
    inflight->outgoing.message.reset();  // the payload is delivered; only the id remains
    send(connection, codec::Pubrel{packet_id});
}

void Broker::handle_pubrel(Connection& connection, std::uint16_t packet_id) {
    connection.session->incoming_qos2.erase(packet_id);
    send(connection, codec::Pubcomp{packet_id});
}

void Broker::handle_pubcomp(Connection& connection, std::uint16_t packet_id) {
    Session& session = *connection.session;
    InflightMessage* inflight = session.find_inflight(packet_id);
    if (!inflight || inflight->state != InflightState::AwaitPubcomp) return;
    session.erase_inflight(packet_id);
    fill_inflight(session);
}

void Broker::route(const MessagePtr& message) {
    if (message->retain) retained_.set(message);
    // A client with several matching subscriptions gets the message once, at the
    // highest QoS among them (MQTT-3.3.5-1).
    const std::uint64_t stamp = ++match_stamp_;
    match_scratch_.clear();
    subscriptions_.match(message->topic, [&](Session* session, QoS qos) {
        if (session->match_stamp != stamp) {
            session->match_stamp = stamp;
            session->match_qos = qos;
            match_scratch_.push_back(session);
        } else if (qos > session->match_qos) {
            session->match_qos = qos;
        }
    });
    for (Session* session : match_scratch_)
        deliver(*session, OutgoingMessage{message, min_qos(message->qos, session->match_qos), false});
}

void Broker::deliver(Session& session, OutgoingMessage outgoing) {
    Connection* connection = session.connection;
    if (outgoing.qos == QoS::AtMostOnce) {
        if (!connection) return;  // QoS 0 is not queued for offline sessions
        if (connection->link.pending_output() > settings_.max_output_buffer) {
            ++counters_.messages_dropped;  // a slow reader loses QoS 0, nobody else waits for it
            return;
        }
        const Message& message = *outgoing.message;
        send(*connection, codec::Publish{message.topic, message.payload, QoS::AtMostOnce, outgoing.retain, false, 0});
        ++counters_.messages_sent;
        return;
    }
    if (connection && session.queue.empty() && session.inflight.size() < settings_.max_inflight_messages) {
        const std::uint16_t packet_id = session.allocate_packet_id();
        const InflightState state =
            outgoing.qos == QoS::AtLeastOnce ? InflightState::AwaitPuback : InflightState::AwaitPubrec;
        session.inflight.push_back(InflightMessage{packet_id, std::move(outgoing), state});
        send_inflight(session, session.inflight.back(), false);
        return;
    }
    if (session.queue.size() >= settings_.max_queued_messages) {
        ++session.dropped_messages;
        ++counters_.messages_dropped;
        log_queue_full(session.client_id, session.dropped_messages, settings_.max_queued_messages);
        return;
    }
    session.queue.push_back(std::move(outgoing));
}

void Broker::send_inflight(Session& session, const InflightMessage& inflight, bool dup) {
    Connection& connection = *session.connection;
    if (inflight.state == InflightState::AwaitPubcomp) {
        send(connection, codec::Pubrel{inflight.packet_id});
        return;
    }
    const Message& message = *inflight.outgoing.message;
    send(connection, codec::Publish{message.topic, message.payload, inflight.outgoing.qos, inflight.outgoing.retain,
                                    dup, inflight.packet_id});
    ++counters_.messages_sent;
}

void Broker::fill_inflight(Session& session) {
    while (session.connection && !session.queue.empty() &&
           session.inflight.size() < settings_.max_inflight_messages) {
        OutgoingMessage outgoing = std::move(session.queue.front());
        session.queue.pop_front();
        const std::uint16_t packet_id = session.allocate_packet_id();
        const InflightState state =
            outgoing.qos == QoS::AtLeastOnce ? InflightState::AwaitPuback : InflightState::AwaitPubrec;
        session.inflight.push_back(InflightMessage{packet_id, std::move(outgoing), state});
        send_inflight(session, session.inflight.back(), false);
    }
}

}  // namespace wg::core
