#include "local_broker/store/state_tables.h"

#include <optional>
#include <string>

#include "common/log.h"
#include "local_broker/store/properties_blob.h"

namespace wg::store {
namespace {

using core::WallClock;

std::int64_t to_epoch_ms(WallClock::time_point time) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

WallClock::time_point from_epoch_ms(std::int64_t ms) {
    return WallClock::time_point{std::chrono::duration_cast<WallClock::duration>(std::chrono::milliseconds{ms})};
}

std::optional<codec::QoS> to_qos(std::int64_t value) {
    if (value < 0 || value > 2) return std::nullopt;
    return static_cast<codec::QoS>(value);
}

void bind_optional_time(Statement& statement, int index, const std::optional<WallClock::time_point>& time) {
    if (time) statement.bind_int64(index, to_epoch_ms(*time));
    else statement.bind_null(index);
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
      delete_retained_{database, "DELETE FROM retained WHERE topic = ?1"} {}

void StateTables::apply(const StoreOperation& operation) {
    std::visit([this](const auto& one) { apply_one(one); }, operation);
}

void StateTables::apply_one(const WillHeld& held) {
    put_will_.reset();
    put_will_.bind_text(1, held.client_id);
    put_will_.bind_text(2, held.will.topic);
    put_will_.bind_blob(3, held.will.payload);
    put_will_.bind_int(4, static_cast<int>(held.will.qos));
    put_will_.bind_int(5, held.will.retain ? 1 : 0);
    put_will_.bind_blob(6, encode_properties_blob(held.will.properties));
    put_will_.bind_int64(7, held.delay.count());
    put_will_.run();
}

void StateTables::apply_one(const WillPending& pending) {
    set_will_due_.reset();
    set_will_due_.bind_text(1, pending.client_id);
    set_will_due_.bind_int64(2, to_epoch_ms(pending.due));
    set_will_due_.run();
}

void StateTables::apply_one(const WillRemoved& removed) {
    delete_will_.reset();
    delete_will_.bind_text(1, removed.client_id);
    delete_will_.run();
}

void StateTables::apply_one(const RetainedSet& set) {
    const core::StoredRetained& retained = set.retained;
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

core::StoredState StateTables::load() {
    core::StoredState state;
    load_wills(state);
    load_retained(state);
    log::info(database_.path() + ": loaded " + std::to_string(state.wills.size()) + " Wills and " +
              std::to_string(state.retained.size()) + " retained messages");
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

}  // namespace wg::store
