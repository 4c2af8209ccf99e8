// SUBSCRIBE and UNSUBSCRIBE: filter validation (shared subscriptions included),
// subscription options, and retained messages for new subscriptions.
#include "local_broker/codec/topic.h"
#include "local_broker/core/broker.h"

namespace wg::core {
namespace {

// Whether `filter` can match some topic that starts with `prefix` (which ends
// at a level boundary, "a/b/"): every level of the prefix is matched by the
// filter's level, "+", or a "#" that ends the filter. A filter starting with a
// wildcard never matches a "$" prefix (MQTT-4.7.2-1).
bool filter_may_match_under(std::string_view filter, std::string_view prefix) {
    if (prefix.starts_with('$') && (filter.starts_with('+') || filter.starts_with('#'))) return false;
    while (!prefix.empty()) {
        const std::size_t prefix_end = prefix.find('/');
        const std::string_view prefix_level = prefix.substr(0, prefix_end);
        const std::size_t filter_end = filter.find('/');
        const std::string_view filter_level = filter.substr(0, filter_end);
        if (filter_level == "#") return true;
        if (filter_level != "+" && filter_level != prefix_level) return false;
        if (filter_end == std::string_view::npos) return false;  // the filter ends before the prefix does
        filter.remove_prefix(filter_end + 1);
        prefix.remove_prefix(prefix_end == std::string_view::npos ? prefix.size() : prefix_end + 1);
    }
    return true;
}

}  // namespace


using codec::QoS;
using codec::ReasonCode;

// A plain filter, or "$share/{group}/{filter}" with a non-empty group name free
// of wildcards and a valid filter (4.8.2).
bool Broker::valid_filter(std::string_view filter) const {
    if (!codec::is_valid_topic_filter(filter)) return false;
    const auto shared = parse_shared_filter(filter);
    if (!shared) return true;
    return !shared->group.empty() && shared->group.find_first_of("+#") == std::string_view::npos &&
           !shared->filter.empty() && codec::is_valid_topic_filter(shared->filter);
}

void Broker::handle_subscribe(Connection& connection, const codec::Subscribe& subscribe) {
    const bool v5 = connection.is_v5();
    if (!v5) {
        // 3.1.1 has no per-filter refusal for a malformed filter: close.
        for (const auto& requested : subscribe.subscriptions) {
            if (!valid_filter(requested.filter)) {
                protocol_error(connection, ReasonCode::TopicFilterInvalid,
                               "invalid topic filter in SUBSCRIBE: '" + requested.filter + "'");
                return;
            }
        }
    }
    Session& session = *connection.session;
    const std::uint32_t identifier =
        subscribe.properties.subscription_identifiers.empty() ? 0 : subscribe.properties.subscription_identifiers.front();
    codec::Suback suback{subscribe.packet_id, {}, {}};
    suback.reasons.reserve(subscribe.subscriptions.size());
    std::vector<bool> send_retained(subscribe.subscriptions.size(), false);
    for (std::size_t i = 0; i < subscribe.subscriptions.size(); ++i) {
        const auto& requested = subscribe.subscriptions[i];
        if (!valid_filter(requested.filter)) {
            suback.reasons.push_back(ReasonCode::TopicFilterInvalid);
            continue;
        }
        const SubscriptionOptions options{requested.qos, requested.no_local, requested.retain_as_published, identifier};
        const bool existed = session.subscriptions.count(requested.filter) != 0;
        session.subscriptions.insert_or_assign(requested.filter, options);
        subscriptions_.subscribe(requested.filter, &session, options);
        if (session.stored) persistence_->subscription_stored(session.client_id, {requested.filter, options});
        suback.reasons.push_back(static_cast<ReasonCode>(requested.qos));
        // Retained messages are not sent for shared subscriptions; Retain Handling
        // 1 sends them only for a new subscription, 2 never (3.8.3.1).
        send_retained[i] = !parse_shared_filter(requested.filter) &&
                           (requested.retain_handling == 0 || (requested.retain_handling == 1 && !existed));
    }
    send(connection, suback);
    // A persistent session's SUBACK means the subscription survives a crash.
    if (session.stored) hold_until_persisted(connection);
    // MQTT-3.8.4-3: retained messages matching each filter follow the SUBACK,
    // with the RETAIN flag set.
    for (std::size_t i = 0; i < subscribe.subscriptions.size(); ++i) {
        if (!send_retained[i]) continue;
        const auto& requested = subscribe.subscriptions[i];
        std::vector<std::uint32_t> identifiers;
        if (identifier != 0) identifiers.push_back(identifier);
        retained_.for_each_match(requested.filter, [&](const MessagePtr& message) {
            deliver(session, OutgoingMessage{message, min_qos(message->qos, requested.qos), true, identifiers, {}});
        });
        for (broker::RetainedSource* source : retained_sources_) {
            if (!filter_may_match_under(requested.filter, source->prefix())) continue;
            source->for_each([&](const std::string& topic, const std::string& payload) {
                if (!codec::topic_matches(requested.filter, topic)) return;
                deliver(session, OutgoingMessage{make_message(topic, payload, QoS::AtMostOnce, true), QoS::AtMostOnce,
                                                 true, identifiers, {}});
            });
        }
    }
}

void Broker::handle_unsubscribe(Connection& connection, const codec::Unsubscribe& unsubscribe) {
    const bool v5 = connection.is_v5();
    if (!v5) {
        for (const auto& filter : unsubscribe.filters) {
            if (!valid_filter(filter)) {
                protocol_error(connection, ReasonCode::TopicFilterInvalid,
                               "invalid topic filter in UNSUBSCRIBE: '" + filter + "'");
                return;
            }
        }
    }
    Session& session = *connection.session;
    codec::Unsuback unsuback{unsubscribe.packet_id, {}, {}};
    for (const auto& filter : unsubscribe.filters) {
        if (!valid_filter(filter)) {
            unsuback.reasons.push_back(ReasonCode::TopicFilterInvalid);
            continue;
        }
        const bool existed = session.subscriptions.erase(filter) != 0;
        subscriptions_.unsubscribe(filter, &session);
        if (existed && session.stored) persistence_->subscription_removed(session.client_id, filter);
        unsuback.reasons.push_back(existed ? ReasonCode::Success : ReasonCode::NoSubscriptionExisted);
    }
    send(connection, unsuback);
    if (session.stored) hold_until_persisted(connection);
}

}  // namespace wg::core
