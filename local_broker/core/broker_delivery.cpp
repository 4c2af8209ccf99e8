// Outgoing PUBLISH: routing a message to matching sessions and shared groups,
// in-flight windows, per-client queues, and the per-delivery parts of an
// MQTT 5 PUBLISH (Subscription Identifiers, Message Expiry, Topic Alias,
// the client's Maximum Packet Size).
#include <algorithm>

#include "local_broker/core/broker.h"
#include "local_broker/core/connection_log.h"

namespace wg::core {

using codec::QoS;

std::size_t Broker::route(const MessagePtr& message, const Session* origin) {
    // A message the bridge keeps for the cloud has a subscriber (MQTT 5: no 0x10).
    const bool tapped = offer_to_taps(*message);
    if (message->retain) {
        retained_.set(message);
        persist_retained(*message);
    }
    // A client with several matching subscriptions gets the message once, at the
    // highest QoS among them (MQTT-3.3.5-1), with every Subscription Identifier.
    const std::uint64_t stamp = ++match_stamp_;
    match_scratch_.clear();
    group_scratch_.clear();
    subscriptions_.match(
        message->topic,
        [&](const Subscriber& subscriber) {
            Session* session = subscriber.session;
            const SubscriptionOptions& options = subscriber.options;
            if (options.no_local && session == origin) return;
            if (session->match_stamp != stamp) {
                session->match_stamp = stamp;
                session->match_qos = options.qos;
                session->match_retain_as_published = options.retain_as_published;
                session->match_subscription_identifiers.clear();
                match_scratch_.push_back(session);
            } else {
                session->match_qos = std::max(session->match_qos, options.qos);
                session->match_retain_as_published |= options.retain_as_published;
            }
            if (options.subscription_identifier != 0)
                session->match_subscription_identifiers.push_back(options.subscription_identifier);
        },
        [&](SharedGroup& group) { group_scratch_.push_back(&group); });

    std::size_t reached = match_scratch_.size() + (tapped ? 1 : 0);
    for (Session* session : match_scratch_) {
        // Live messages carry RETAIN 0 unless the subscription asked for Retain
        // As Published (MQTT-3.3.1-9, 3.3.1-12).
        deliver(*session, OutgoingMessage{message, min_qos(message->qos, session->match_qos),
                                          session->match_retain_as_published && message->retain,
                                          session->match_subscription_identifiers, {}});
    }
    for (SharedGroup* group : group_scratch_)
        if (deliver_shared(*group, message, origin, nullptr)) ++reached;
    return reached;
}

// The bridge's outbox: a copy queued for the store makes a QoS 1/2
// publisher's acknowledgement wait for its commit, like a stored delivery.
bool Broker::offer_to_taps(const Message& message) {
    if (taps_.empty()) return false;
    bool taken = false;
    const broker::TappedMessage tapped{message.topic, message.payload, static_cast<std::uint8_t>(message.qos),
                                       message.retain, message.will};
    for (broker::MessageTap* tap : taps_) {
        if (tap == message.origin || !tap->offer(tapped)) continue;
        taken = true;
        if (message.qos != QoS::AtMostOnce && persistence_) stored_while_routing_ = true;
    }
    return taken;
}

// Gives `message` to one member of `group`, round robin, preferring members
// that are online. Returns false when no member can take it.
bool Broker::deliver_shared(SharedGroup& group, const MessagePtr& message, const Session* origin,
                            const Session* exclude) {
    const std::size_t count = group.members.size();
    for (const bool online_only : {true, false}) {
        for (std::size_t i = 0; i < count; ++i) {
            const std::size_t index = (group.next + i) % count;
            const Subscriber& member = group.members[index];
            if (member.session == exclude || (member.options.no_local && member.session == origin)) continue;
            if (online_only && !member.session->connection) continue;
            group.next = index + 1;
            std::vector<std::uint32_t> identifiers;
            if (member.options.subscription_identifier != 0)
                identifiers.push_back(member.options.subscription_identifier);
            deliver(*member.session,
                    OutgoingMessage{message, min_qos(message->qos, member.options.qos),
                                    member.options.retain_as_published && message->retain, std::move(identifiers),
                                    group.share_name});
            return true;
        }
    }
    return false;
}

std::size_t Broker::inflight_window(const Connection& connection) const {
    return std::min<std::size_t>(settings_.max_inflight_messages, connection.receive_maximum);
}

void Broker::deliver(Session& session, OutgoingMessage outgoing) {
    if (outgoing.message->expires_at && outgoing.message->expired(clock_.now())) return;
    Connection* connection = session.connection;
    if (outgoing.qos == QoS::AtMostOnce) {
        if (!connection) return;  // QoS 0 is not queued for offline sessions
        const std::size_t pending = connection->link.pending_output();
        if (pending > settings_.max_output_buffer * kHardLimitFactor) {
            ++session.dropped_messages;
            ++counters_.messages_dropped;  // a stuck reader loses QoS 0; nobody else waits for it
            return;
        }
        send_publish(*connection, outgoing, 0, false);
        if (pending > settings_.max_output_buffer) congest(session);
        return;
    }
    if (connection && session.queue.empty() && session.inflight.size() < inflight_window(*connection)) {
        start_inflight(session, std::move(outgoing));
        return;
    }
    if (session.queue.size() >= settings_.max_queued_messages && !outgoing.message->will) {
        ++session.dropped_messages;
        ++counters_.messages_dropped;
        log_queue_full(session.client_id, session.dropped_messages, settings_.max_queued_messages);
        return;
    }
    store_delivery(session, outgoing, 0, InflightState::AwaitPuback);
    session.queue.push_back(std::move(outgoing));
    if (session.queue.size() >= settings_.max_queued_messages / 2) congest(session);
}

// Sends a QoS 1/2 message under a new packet id and tracks it until acknowledged.
bool Broker::start_inflight(Session& session, OutgoingMessage&& outgoing) {
    const std::uint16_t packet_id = session.allocate_packet_id();
    if (!send_publish(*session.connection, outgoing, packet_id, false)) {
        unstore_delivery(session, outgoing);  // expired while queued, or too big for this client
        return false;
    }
    const InflightState state =
        outgoing.qos == QoS::AtLeastOnce ? InflightState::AwaitPuback : InflightState::AwaitPubrec;
    store_delivery(session, outgoing, packet_id, state);
    session.inflight.push_back(InflightMessage{packet_id, std::move(outgoing), state});
    return true;
}

// Encodes and writes one PUBLISH. Returns false when it is not sent: a first
// delivery of an expired message, or a message bigger than the client's Maximum
// Packet Size (3.1.2.11.4: then it is discarded as if it had been delivered).
// A re-send (`dup`) of an expired message still goes out, with expiry 0.
bool Broker::send_publish(Connection& connection, const OutgoingMessage& outgoing, std::uint16_t packet_id,
                          bool dup) {
    const Message& message = *outgoing.message;
    const auto now = message.expires_at ? clock_.now() : Clock::time_point{};
    if (!dup && message.expires_at && message.expired(now)) return false;
    // Encoded straight from the shared message: no copy of topic or payload.
    codec::PublishView publish{message.topic, message.payload, outgoing.qos, outgoing.retain, dup, packet_id, nullptr};
    bool new_alias = false;
    if (connection.is_v5()) {
        codec::Properties& properties = publish_properties_;  // reused: keeps its capacity
        properties = message.properties;
        if (message.expires_at) {
            // The remaining lifetime, rounded up (3.3.2.3.3).
            const auto left = std::chrono::ceil<std::chrono::seconds>(*message.expires_at - now);
            properties.message_expiry_interval = static_cast<std::uint32_t>(std::max<std::int64_t>(left.count(), 0));
        }
        properties.subscription_identifiers = outgoing.subscription_identifiers;
        if (connection.topic_alias_maximum != 0) {
            auto& outbound = connection.topic_aliases().outbound;
            if (auto it = outbound.find(message.topic); it != outbound.end()) {
                properties.topic_alias = it->second;
                publish.topic = {};
            } else if (outbound.size() < connection.topic_alias_maximum) {
                const auto alias = static_cast<std::uint16_t>(outbound.size() + 1);
                outbound.emplace(message.topic, alias);
                properties.topic_alias = alias;
                new_alias = true;
            }
        }
        publish.properties = &properties;
    }
    scratch_.clear();
    codec::encode_publish(publish, connection.version, scratch_);
    if (connection.maximum_packet_size != 0 && scratch_.size() > connection.maximum_packet_size) {
        if (new_alias) connection.aliases->outbound.erase(message.topic);
        ++counters_.messages_dropped;
        return false;
    }
    connection.link.write(scratch_);
    ++counters_.messages_sent;
    ++connection.messages_sent;
    return true;
}

void Broker::fill_inflight(Session& session) {
    while (session.connection && !session.queue.empty() && session.inflight.size() < inflight_window(*session.connection)) {
        OutgoingMessage outgoing = std::move(session.queue.front());
        session.queue.pop_front();
        start_inflight(session, std::move(outgoing));
    }
    check_drained(session);
}

// The session's connection ended: messages it got through shared subscriptions
// and has not acknowledged go to another member of their group (4.8.2).
void Broker::redistribute_shared(Session& session) {
    auto handover = [&](const OutgoingMessage& outgoing) {
        if (outgoing.shared_name.empty() || !outgoing.message) return false;
        SharedGroup* group = subscriptions_.find_group(outgoing.shared_name);
        if (!group || !deliver_shared(*group, outgoing.message, nullptr, &session)) return false;
        unstore_delivery(session, outgoing);
        return true;
    };
    std::erase_if(session.inflight, [&](const InflightMessage& inflight) {
        return inflight.state != InflightState::AwaitPubcomp && handover(inflight.outgoing);
    });
    session.queue.erase_if(handover);
}

}  // namespace wg::core
