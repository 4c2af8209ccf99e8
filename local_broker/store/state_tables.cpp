#include "local_broker/store/state_tables.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/log.h"
#include "local_broker/store/properties_blob.h"

namespace wg::store {
namespace {

using core::WallClock;

WallClock::time_point from_epoch_ms(std::int64_t ms) {
    return WallClock::time_point{std::chrono::duration_cast<WallClock::duration>(std::chrono::milliseconds{ms})};
}

std::optional<codec::QoS> to_qos(std::int64_t value) {
    if (value < 0 || value > 2) return std::nullopt;
    return static_cast<codec::QoS>(value);
}

void bind_optional_time(Statement& statement, int index, const std::optional<WallClock::time_point>& time) {
    if (time) statement.bind_int64(index, epoch_ms(*time));
    else statement.bind_null(index);
}

std::string encode_identifiers(const std::vector<std::uint32_t>& identifiers) {
    std::string bytes;
    bytes.reserve(identifiers.size() * 4);
    for (const std::uint32_t id : identifiers)
        for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<char>((id >> shift) & 0xFF));
    return bytes;
}

std::optional<std::vector<std::uint32_t>> decode_identifiers(const std::string& bytes) {
    if (bytes.size() % 4 != 0) return std::nullopt;
    std::vector<std::uint32_t> identifiers;
    for (std::size_t i = 0; i < bytes.size(); i += 4) {
        std::uint32_t id = 0;
        for (std::size_t k = 0; k < 4; ++k) id = (id << 8) | static_cast<std::uint8_t>(bytes[i + k]);
        identifiers.push_back(id);
    }
    return identifiers;
}

std::optional<core::InflightState> to_state(std::int64_t value) {
    if (value < 0 || value > 2) return std::nullopt;
    return static_cast<core::InflightState>(value);
}

}  // namespace

StateTables::StateTables(Database& database)
    : database_{database},
      put_will_{database,
                "INSERT OR REPLACE INTO wills(client_id, topic, payload, qos, retain, properties, delay_s, due_ms)"
                " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL)"},
      set_will_due_{database, "UPDATE wills SET due_ms = ?2 WHERE client_id = ?1"},
      delete_will_{database, "DELETE FROM wills WHERE client_id = ?1"},
      put_retained_{database,
                    "INSERT OR REPLACE INTO retained(topic, payload, qos, properties, expires_ms)"
                    " VALUES(?1, ?2, ?3, ?4, ?5)"},
      delete_retained_{database, "DELETE FROM retained WHERE topic = ?1"},
      put_session_{database, "INSERT OR REPLACE INTO sessions(client_id, expiry_s, expires_ms) VALUES(?1, ?2, ?3)"},
      delete_session_{database, "DELETE FROM sessions WHERE client_id = ?1"},
      delete_session_subscriptions_{database, "DELETE FROM subscriptions WHERE client_id = ?1"},
      delete_session_deliveries_{database, "DELETE FROM deliveries WHERE client_id = ?1"},
      delete_session_qos2_{database, "DELETE FROM incoming_qos2 WHERE client_id = ?1"},
      put_subscription_{database,
                        "INSERT OR REPLACE INTO subscriptions(client_id, filter, qos, no_local, retain_as_published,"
                        " identifier) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"},
      delete_subscription_{database, "DELETE FROM subscriptions WHERE client_id = ?1 AND filter = ?2"},
      put_delivery_{database,
                    "INSERT OR REPLACE INTO deliveries(client_id, id, topic, payload, message_qos, message_retain,"
                    " properties, expires_ms, will, qos, retain, identifiers, shared_name, packet_id, state)"
                    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"},
      update_delivery_{database, "UPDATE deliveries SET packet_id = ?3, state = ?4 WHERE client_id = ?1 AND id = ?2"},
      delete_delivery_{database, "DELETE FROM deliveries WHERE client_id = ?1 AND id = ?2"},
      put_qos2_{database, "INSERT OR IGNORE INTO incoming_qos2(client_id, packet_id) VALUES(?1, ?2)"},
      delete_qos2_{database, "DELETE FROM incoming_qos2 WHERE client_id = ?1 AND packet_id = ?2"},
      devices_{database},
      outbox_{database} {}

void StateTables::apply(const StoreOperation& operation) {
    std::visit([this](const auto& one) { apply_one(one); }, operation);
}

void StateTables::apply_one(const WillHeld& held) {
    put_will_.reset();
    put_will_.bind_text(1, held.client_id);
    put_will_.bind_text(2, held.will->topic);
    put_will_.bind_blob(3, held.will->payload);
    put_will_.bind_int(4, static_cast<int>(held.will->qos));
    put_will_.bind_int(5, held.will->retain ? 1 : 0);
    put_will_.bind_blob(6, encode_properties_blob(held.will->properties));
    put_will_.bind_int64(7, held.delay.count());
    put_will_.run();
}

void StateTables::apply_one(const WillPending& pending) {
    set_will_due_.reset();
    set_will_due_.bind_text(1, pending.client_id);
    set_will_due_.bind_int64(2, epoch_ms(pending.due));
    set_will_due_.run();
}

void StateTables::apply_one(const WillRemoved& removed) {
    delete_will_.reset();
    delete_will_.bind_text(1, removed.client_id);
    delete_will_.run();
}

void StateTables::apply_one(const RetainedSet& set) {
    const core::StoredRetained& retained = *set.retained;
    put_retained_.reset();
    put_retained_.bind_text(1, retained.topic);
    put_retained_.bind_blob(2, retained.payload);
    put_retained_.bind_int(3, static_cast<int>(retained.qos));
    put_retained_.bind_blob(4, encode_properties_blob(retained.properties));
    bind_optional_time(put_retained_, 5, retained.expires_at);
    put_retained_.run();
}

void StateTables::apply_one(const RetainedCleared& cleared) {
    delete_retained_.reset();
    delete_retained_.bind_text(1, cleared.topic);
    delete_retained_.run();
}

void StateTables::apply_one(const SessionStored& stored) {
    put_session_.reset();
    put_session_.bind_text(1, stored.client_id);
    put_session_.bind_int64(2, stored.expiry_interval);
    bind_optional_time(put_session_, 3, stored.expires_at);
    put_session_.run();
}

void StateTables::apply_one(const SessionRemoved& removed) {
    for (Statement* statement :
         {&delete_session_, &delete_session_subscriptions_, &delete_session_deliveries_, &delete_session_qos2_}) {
        statement->reset();
        statement->bind_text(1, removed.client_id);
        statement->run();
    }
}

void StateTables::apply_one(const SubscriptionStored& stored) {
    const core::SubscriptionOptions& options = stored.subscription.options;
    put_subscription_.reset();
    put_subscription_.bind_text(1, stored.client_id);
    put_subscription_.bind_text(2, stored.subscription.filter);
    put_subscription_.bind_int(3, static_cast<int>(options.qos));
    put_subscription_.bind_int(4, options.no_local ? 1 : 0);
    put_subscription_.bind_int(5, options.retain_as_published ? 1 : 0);
    put_subscription_.bind_int64(6, options.subscription_identifier);
    put_subscription_.run();
}

void StateTables::apply_one(const SubscriptionRemoved& removed) {
    delete_subscription_.reset();
    delete_subscription_.bind_text(1, removed.client_id);
    delete_subscription_.bind_text(2, removed.filter);
    delete_subscription_.run();
}

void StateTables::apply_one(const DeliveryStored& stored) {
    const core::StoredDelivery& delivery = stored.delivery;
    const core::OutgoingMessage& outgoing = delivery.outgoing;
    const core::Message& message = *outgoing.message;
    put_delivery_.reset();
    put_delivery_.bind_text(1, stored.client_id);
    put_delivery_.bind_int64(2, static_cast<std::int64_t>(outgoing.stored_id));
    put_delivery_.bind_text(3, message.topic);
    put_delivery_.bind_blob(4, message.payload);
    put_delivery_.bind_int(5, static_cast<int>(message.qos));
    put_delivery_.bind_int(6, message.retain ? 1 : 0);
    put_delivery_.bind_blob(7, encode_properties_blob(message.properties));
    bind_optional_time(put_delivery_, 8, delivery.expires_at);
    put_delivery_.bind_int(9, message.will ? 1 : 0);
    put_delivery_.bind_int(10, static_cast<int>(outgoing.qos));
    put_delivery_.bind_int(11, outgoing.retain ? 1 : 0);
    put_delivery_.bind_blob(12, encode_identifiers(outgoing.subscription_identifiers));
    put_delivery_.bind_text(13, outgoing.shared_name);
    put_delivery_.bind_int(14, delivery.packet_id);
    put_delivery_.bind_int(15, static_cast<int>(delivery.state));
    put_delivery_.run();
}

void StateTables::apply_one(const DeliveryUpdated& updated) {
    update_delivery_.reset();
    update_delivery_.bind_text(1, updated.client_id);
    update_delivery_.bind_int64(2, static_cast<std::int64_t>(updated.stored_id));
    update_delivery_.bind_int(3, updated.packet_id);
    update_delivery_.bind_int(4, static_cast<int>(updated.state));
    update_delivery_.run();
}

void StateTables::apply_one(const DeliveryRemoved& removed) {
    delete_delivery_.reset();
    delete_delivery_.bind_text(1, removed.client_id);
    delete_delivery_.bind_int64(2, static_cast<std::int64_t>(removed.stored_id));
    delete_delivery_.run();
}

void StateTables::apply_one(const Qos2Received& received) {
    put_qos2_.reset();
    put_qos2_.bind_text(1, received.client_id);
    put_qos2_.bind_int(2, received.packet_id);
    put_qos2_.run();
}

void StateTables::apply_one(const Qos2Released& released) {
    delete_qos2_.reset();
    delete_qos2_.bind_text(1, released.client_id);
    delete_qos2_.bind_int(2, released.packet_id);
    delete_qos2_.run();
}

void StateTables::apply_one(const DeviceConnected& connected) {
    devices_.connected(connected.connection);
    latest_transition_ms_ = std::max(latest_transition_ms_, connected.connection.at_ms);
}

void StateTables::apply_one(const DeviceDisconnected& disconnected) {
    devices_.disconnected(disconnected.disconnection);
    latest_transition_ms_ = std::max(latest_transition_ms_, disconnected.disconnection.at_ms);
}

void StateTables::apply_one(const DeviceActivityReported& reported) { devices_.activity(reported.activity); }

void StateTables::apply_one(const DeviceWillPublished& published) { devices_.will_published(published.will); }

void StateTables::apply_one(const DeviceForgotten& forgotten) { devices_.forget(forgotten.client_id); }

core::StoredState StateTables::load() {
    core::StoredState state;
    load_wills(state);
    load_retained(state);
    load_sessions(state);
    std::size_t deliveries = 0;
    for (const auto& session : state.sessions) deliveries += session.deliveries.size();
    log::info(database_.path() + ": loaded " + std::to_string(state.wills.size()) + " Wills, " +
              std::to_string(state.retained.size()) + " retained messages and " +
              std::to_string(state.sessions.size()) + " sessions with " + std::to_string(deliveries) +
              " queued or in-flight messages");
    return state;
}

void StateTables::load_wills(core::StoredState& state) {
    Statement select{database_,
                     "SELECT client_id, topic, payload, qos, retain, properties, delay_s, due_ms FROM wills"
                     " ORDER BY client_id"};
    while (select.step()) {
        core::StoredWill stored;
        stored.client_id = select.column_text(0);
        const auto skip = [&](const std::string& why) {
            log::warning(database_.path() + ": skipped the stored Will of client '" + stored.client_id +
                         "': " + why);
        };
        const auto qos = to_qos(select.column_int64(3));
        if (!qos) {
            skip("invalid QoS " + std::to_string(select.column_int64(3)));
            continue;
        }
        auto properties = decode_properties_blob(select.column_blob(5));
        if (!properties.properties) {
            skip("malformed properties: " + properties.error);
            continue;
        }
        stored.will.topic = select.column_text(1);
        stored.will.payload = select.column_blob(2);
        stored.will.qos = *qos;
        stored.will.retain = select.column_int64(4) != 0;
        stored.will.properties = std::move(*properties.properties);
        stored.delay = std::chrono::seconds{select.column_int64(6)};
        if (!select.column_is_null(7)) stored.due = from_epoch_ms(select.column_int64(7));
        state.wills.push_back(std::move(stored));
    }
}

void StateTables::load_retained(core::StoredState& state) {
    Statement select{database_, "SELECT topic, payload, qos, properties, expires_ms FROM retained ORDER BY topic"};
    while (select.step()) {
        core::StoredRetained stored;
        stored.topic = select.column_text(0);
        const auto skip = [&](const std::string& why) {
            log::warning(database_.path() + ": skipped the stored retained message of topic '" + stored.topic +
                         "': " + why);
        };
        const auto qos = to_qos(select.column_int64(2));
        if (!qos) {
            skip("invalid QoS " + std::to_string(select.column_int64(2)));
            continue;
        }
        auto properties = decode_properties_blob(select.column_blob(3));
        if (!properties.properties) {
            skip("malformed properties: " + properties.error);
            continue;
        }
        stored.payload = select.column_blob(1);
        stored.qos = *qos;
        stored.properties = std::move(*properties.properties);
        if (!select.column_is_null(4)) stored.expires_at = from_epoch_ms(select.column_int64(4));
        state.retained.push_back(std::move(stored));
    }
}

// Sessions first; the rows of the other tables attach to them by client id
// (both lists are sorted by it).
void StateTables::load_sessions(core::StoredState& state) {
    Statement select{database_, "SELECT client_id, expiry_s, expires_ms FROM sessions ORDER BY client_id"};
    while (select.step()) {
        core::StoredSession session;
        session.client_id = select.column_text(0);
        const std::int64_t expiry = select.column_int64(1);
        if (expiry <= 0 || expiry > core::kSessionNeverExpires) {
            log::warning(database_.path() + ": skipped the stored session of client '" + session.client_id +
                         "': invalid expiry " + std::to_string(expiry));
            continue;
        }
        session.expiry_interval = static_cast<std::uint32_t>(expiry);
        if (!select.column_is_null(2)) session.expires_at = from_epoch_ms(select.column_int64(2));
        state.sessions.push_back(std::move(session));
    }
    load_subscriptions(state);
    load_deliveries(state);
    load_incoming_qos2(state);
}

namespace {

// The session of `client_id` in `sessions` (sorted by client id), or null.
core::StoredSession* find_session(std::vector<core::StoredSession>& sessions, const std::string& client_id) {
    auto it = std::lower_bound(sessions.begin(), sessions.end(), client_id,
                               [](const core::StoredSession& s, const std::string& id) { return s.client_id < id; });
    return it != sessions.end() && it->client_id == client_id ? &*it : nullptr;
}

}  // namespace

void StateTables::load_subscriptions(core::StoredState& state) {
    Statement select{database_,
                     "SELECT client_id, filter, qos, no_local, retain_as_published, identifier FROM subscriptions"};
    while (select.step()) {
        core::StoredSession* session = find_session(state.sessions, select.column_text(0));
        if (!session) continue;
        core::StoredSubscription subscription;
        subscription.filter = select.column_text(1);
        const auto qos = to_qos(select.column_int64(2));
        const std::int64_t identifier = select.column_int64(5);
        if (!qos || identifier < 0 || identifier > 268'435'455) {
            log::warning(database_.path() + ": skipped the stored subscription '" + subscription.filter +
                         "' of client '" + session->client_id + "': invalid QoS or identifier");
            continue;
        }
        subscription.options = core::SubscriptionOptions{*qos, select.column_int64(3) != 0, select.column_int64(4) != 0,
                                                         static_cast<std::uint32_t>(identifier)};
        session->subscriptions.push_back(std::move(subscription));
    }
}

void StateTables::load_deliveries(core::StoredState& state) {
    Statement select{database_,
                     "SELECT client_id, id, topic, payload, message_qos, message_retain, properties, expires_ms, will,"
                     " qos, retain, identifiers, shared_name, packet_id, state FROM deliveries"
                     " ORDER BY client_id, id"};
    while (select.step()) {
        core::StoredSession* session = find_session(state.sessions, select.column_text(0));
        if (!session) continue;
        const std::int64_t id = select.column_int64(1);
        const auto skip = [&](const std::string& why) {
            log::warning(database_.path() + ": skipped stored message " + std::to_string(id) + " of client '" +
                         session->client_id + "': " + why);
        };
        const auto message_qos = to_qos(select.column_int64(4));
        const auto qos = to_qos(select.column_int64(9));
        const auto delivery_state = to_state(select.column_int64(14));
        const std::int64_t packet_id = select.column_int64(13);
        if (id <= 0 || !message_qos || !qos || *qos == codec::QoS::AtMostOnce || !delivery_state || packet_id < 0 ||
            packet_id > 65535) {
            skip("invalid id, QoS, packet id or state");
            continue;
        }
        auto properties = decode_properties_blob(select.column_blob(6));
        if (!properties.properties) {
            skip("malformed properties: " + properties.error);
            continue;
        }
        auto identifiers = decode_identifiers(select.column_blob(11));
        if (!identifiers) {
            skip("malformed subscription identifiers");
            continue;
        }
        core::Message message{select.column_text(2), select.column_blob(3), *message_qos,
                              select.column_int64(5) != 0, std::move(*properties.properties), std::nullopt,
                              select.column_int64(8) != 0};
        core::StoredDelivery delivery;
        delivery.outgoing = core::OutgoingMessage{std::make_shared<const core::Message>(std::move(message)), *qos,
                                                  select.column_int64(10) != 0, std::move(*identifiers),
                                                  select.column_text(12), static_cast<std::uint64_t>(id)};
        if (!select.column_is_null(7)) delivery.expires_at = from_epoch_ms(select.column_int64(7));
        delivery.packet_id = static_cast<std::uint16_t>(packet_id);
        delivery.state = *delivery_state;
        session->deliveries.push_back(std::move(delivery));
    }
}

void StateTables::load_incoming_qos2(core::StoredState& state) {
    Statement select{database_, "SELECT client_id, packet_id FROM incoming_qos2"};
    while (select.step()) {
        core::StoredSession* session = find_session(state.sessions, select.column_text(0));
        const std::int64_t packet_id = select.column_int64(1);
        if (!session || packet_id <= 0 || packet_id > 65535) continue;
        session->incoming_qos2.push_back(static_cast<std::uint16_t>(packet_id));
    }
}

}  // namespace wg::store
