// SUBSCRIBE and UNSUBSCRIBE: filter validation, the subscription tree, and
// retained messages for new subscriptions.
#include "local_broker/codec/topic.h"
#include "local_broker/core/broker.h"

namespace wg::core {

using codec::QoS;
using codec::ReasonCode;

void Broker::handle_subscribe(Connection& connection, const codec::Subscribe& subscribe) {
    for (const auto& requested : subscribe.subscriptions) {
        if (!codec::is_valid_topic_filter(requested.filter)) {
            protocol_error(connection, ReasonCode::TopicFilterInvalid,
                           "invalid topic filter in SUBSCRIBE: '" + requested.filter + "'");
            return;
        }
    }
    Session& session = *connection.session;
    codec::Suback suback{subscribe.packet_id, {}};
    suback.reasons.reserve(subscribe.subscriptions.size());
    for (const auto& requested : subscribe.subscriptions) {
        session.subscriptions.insert_or_assign(requested.filter, requested.qos);
        subscriptions_.subscribe(requested.filter, &session, requested.qos);
        suback.reasons.push_back(static_cast<ReasonCode>(requested.qos));
    }
    send(connection, suback);
    // MQTT-3.8.4-3: retained messages matching each filter are sent, with the
    // RETAIN flag, even when the subscription replaced an existing one.
    for (const auto& requested : subscribe.subscriptions) {
        retained_.for_each_match(requested.filter, [&](const MessagePtr& message) {
            deliver(session, OutgoingMessage{message, min_qos(message->qos, requested.qos), true});
        });
    }
}

void Broker::handle_unsubscribe(Connection& connection, const codec::Unsubscribe& unsubscribe) {
    for (const auto& filter : unsubscribe.filters) {
        if (!codec::is_valid_topic_filter(filter)) {
            protocol_error(connection, ReasonCode::TopicFilterInvalid,
                           "invalid topic filter in UNSUBSCRIBE: '" + filter + "'");
            return;
        }
    }
    Session& session = *connection.session;
    for (const auto& filter : unsubscribe.filters) {
        session.subscriptions.erase(filter);
        subscriptions_.unsubscribe(filter, &session);
    }
    send(connection, codec::Unsuback{unsubscribe.packet_id, {}});
}

}  // namespace wg::core
