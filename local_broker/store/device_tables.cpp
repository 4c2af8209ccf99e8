#include "local_broker/store/device_tables.h"

namespace wg::store {
namespace {

constexpr const char* kRestartReason = "the gateway stopped uncleanly while this device was connected";

}  // namespace

DeviceTables::DeviceTables(Database& database)
    : database_{database},
      upsert_online_{database,
                     "INSERT INTO devices(client_id, online, since_ms, last_seen_ms, peer, username, protocol_version,"
                     " keep_alive, clean_session, will_topic, will_qos, will_retain, will_delay_s, will_payload_size)"
                     " VALUES(?1, 1, ?2, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
                     " ON CONFLICT(client_id) DO UPDATE SET online = 1, since_ms = ?2, last_seen_ms = ?2, peer = ?3,"
                     " username = ?4, protocol_version = ?5, keep_alive = ?6, clean_session = ?7, will_topic = ?8,"
                     " will_qos = ?9, will_retain = ?10, will_delay_s = ?11, will_payload_size = ?12,"
                     " base_messages_received = messages_received, base_messages_sent = messages_sent,"
                     " base_bytes_received = bytes_received, base_bytes_sent = bytes_sent"},
      upsert_offline_{database,
                      "INSERT INTO devices(client_id, online, since_ms, peer, last_cause, last_reason)"
                      " VALUES(?1, 0, ?2, ?3, ?4, ?5)"
                      " ON CONFLICT(client_id) DO UPDATE SET online = 0, since_ms = ?2, peer = ?3, last_cause = ?4,"
                      " last_reason = ?5"},
      // The connection's own counters on top of the totals it started from.
      update_counters_{database,
                       "UPDATE devices SET last_seen_ms = max(last_seen_ms, ?2),"
                       " messages_received = base_messages_received + ?3, messages_sent = base_messages_sent + ?4,"
                       " bytes_received = base_bytes_received + ?5, bytes_sent = base_bytes_sent + ?6"
                       " WHERE client_id = ?1"},
      upsert_will_{database,
                   "INSERT INTO devices(client_id, online, since_ms, last_will_topic, last_will_payload, last_will_ms)"
                   " VALUES(?1, 0, ?4, ?2, ?3, ?4)"
                   " ON CONFLICT(client_id) DO UPDATE SET last_will_topic = ?2, last_will_payload = ?3,"
                   " last_will_ms = ?4"},
      insert_transition_{database,
                         "INSERT INTO device_history(client_id, at_ms, online, cause, reason, peer, will_published)"
                         " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"},
      delete_device_{database, "DELETE FROM devices WHERE client_id = ?1 AND online = 0"},
      delete_history_{database,
                      "DELETE FROM device_history WHERE client_id = ?1"
                      " AND NOT EXISTS (SELECT 1 FROM devices WHERE client_id = ?1)"},
      trim_by_age_{database, "DELETE FROM device_history WHERE at_ms < ?1"},
      // Ids only grow, so the newest max_rows are those above max(id) - max_rows.
      trim_by_rows_{database,
                    "DELETE FROM device_history WHERE id <= (SELECT max(id) FROM device_history) - ?1"} {}

void DeviceTables::connected(const liveness::DeviceConnection& connection) {
    Statement& s = upsert_online_;
    s.reset();
    s.bind_text(1, connection.client_id);
    s.bind_int64(2, connection.at_ms);
    s.bind_text(3, connection.peer);
    s.bind_text(4, connection.username);
    s.bind_int(5, connection.protocol_version);
    s.bind_int(6, connection.keep_alive);
    s.bind_int(7, connection.clean_session ? 1 : 0);
    if (connection.will) {
        s.bind_text(8, connection.will->topic);
        s.bind_int(9, connection.will->qos);
        s.bind_int(10, connection.will->retain ? 1 : 0);
        s.bind_int64(11, connection.will->delay_seconds);
        s.bind_int64(12, static_cast<std::int64_t>(connection.will->payload_size));
    } else {
        for (int i = 8; i <= 12; ++i) s.bind_null(i);
    }
    s.run();
    record(connection.client_id, connection.at_ms, true, {}, {}, connection.peer, false);
}

void DeviceTables::update_counters(const std::string& client_id, const liveness::DeviceCounters& counters) {
    Statement& s = update_counters_;
    const auto as_int = [](std::uint64_t value) { return static_cast<std::int64_t>(value); };
    s.reset();
    s.bind_text(1, client_id);
    s.bind_int64(2, counters.last_seen_ms);
    s.bind_int64(3, as_int(counters.messages_received));
    s.bind_int64(4, as_int(counters.messages_sent));
    s.bind_int64(5, as_int(counters.bytes_received));
    s.bind_int64(6, as_int(counters.bytes_sent));
    s.run();
}

void DeviceTables::activity(const liveness::DeviceActivity& activity) {
    update_counters(activity.client_id, activity.counters);
}

void DeviceTables::disconnected(const liveness::DeviceDisconnection& disconnection) {
    Statement& s = upsert_offline_;
    s.reset();
    s.bind_text(1, disconnection.client_id);
    s.bind_int64(2, disconnection.at_ms);
    s.bind_text(3, disconnection.peer);
    s.bind_text(4, disconnection.cause);
    s.bind_text(5, disconnection.reason);
    s.run();
    update_counters(disconnection.client_id, disconnection.counters);
    record(disconnection.client_id, disconnection.at_ms, false, disconnection.cause, disconnection.reason,
           disconnection.peer, disconnection.will_published);
}

void DeviceTables::will_published(const liveness::DeviceWill& will) {
    Statement& s = upsert_will_;
    s.reset();
    s.bind_text(1, will.client_id);
    s.bind_text(2, will.will.topic);
    s.bind_blob(3, will.will.payload);
    s.bind_int64(4, will.will.at_ms);
    s.run();
}

void DeviceTables::forget(const std::string& client_id) {
    for (Statement* statement : {&delete_device_, &delete_history_}) {
        statement->reset();
        statement->bind_text(1, client_id);
        statement->run();
    }
}

void DeviceTables::record(const std::string& client_id, std::int64_t at_ms, bool online, const std::string& cause,
                          const std::string& reason, const std::string& peer, bool will_published) {
    Statement& s = insert_transition_;
    s.reset();
    s.bind_text(1, client_id);
    s.bind_int64(2, at_ms);
    s.bind_int(3, online ? 1 : 0);
    s.bind_text(4, cause);
    s.bind_text(5, reason);
    s.bind_text(6, peer);
    s.bind_int(7, will_published ? 1 : 0);
    s.run();
}

void DeviceTables::trim(const liveness::HistoryRetention& retention, std::int64_t now_ms) {
    trim_by_age_.reset();
    trim_by_age_.bind_int64(1, now_ms - std::chrono::duration_cast<std::chrono::milliseconds>(retention.max_age).count());
    trim_by_age_.run();
    trim_by_rows_.reset();
    trim_by_rows_.bind_int64(1, static_cast<std::int64_t>(retention.max_rows));
    trim_by_rows_.run();
}

std::size_t DeviceTables::mark_offline_after_restart(std::int64_t now_ms) {
    Transaction transaction{database_};
    Statement count{database_, "SELECT count(*) FROM devices WHERE online = 1"};
    const std::int64_t lost = count.step() ? count.column_int64(0) : 0;
    count.reset();
    if (lost == 0) return 0;
    Statement history{database_,
                      "INSERT INTO device_history(client_id, at_ms, online, cause, reason, peer, will_published)"
                      " SELECT client_id, ?1, 0, ?2, ?3, peer, EXISTS (SELECT 1 FROM wills"
                      "   WHERE wills.client_id = devices.client_id AND wills.due_ms IS NULL AND wills.delay_s = 0)"
                      " FROM devices WHERE online = 1 ORDER BY client_id"};
    history.bind_int64(1, now_ms);
    history.bind_text(2, liveness::kGatewayRestart);
    history.bind_text(3, kRestartReason);
    history.run();
    Statement offline{database_,
                      "UPDATE devices SET online = 0, since_ms = ?1, last_cause = ?2, last_reason = ?3"
                      " WHERE online = 1"};
    offline.bind_int64(1, now_ms);
    offline.bind_text(2, liveness::kGatewayRestart);
    offline.bind_text(3, kRestartReason);
    offline.run();
    transaction.commit();
    return static_cast<std::size_t>(lost);
}

}  // namespace wg::store
