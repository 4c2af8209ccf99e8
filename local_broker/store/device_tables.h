#pragma once
// The SQL that writes device liveness (schema.h, version 3): the devices table
// and its history, with the history trimmed to its retention.
//
// Threading: that of its Database, which must outlive it. apply() runs inside
// the caller's transaction; trim() once per transaction that recorded
// transitions. Errors: StoreError from SQLite.

#include <cstdint>
#include <string>

#include "local_broker/liveness/device_records.h"
#include "local_broker/store/database.h"
#include "local_broker/store/statement.h"

namespace wg::store {

class DeviceTables {
public:
    explicit DeviceTables(Database& database);

    void connected(const liveness::DeviceConnection& connection);
    void disconnected(const liveness::DeviceDisconnection& disconnection);
    void activity(const liveness::DeviceActivity& activity);
    void will_published(const liveness::DeviceWill& will);
    void forget(const std::string& client_id);

    // Deletes transitions older than `now_ms - max_age` and the oldest beyond
    // max_rows.
    void trim(const liveness::HistoryRetention& retention, std::int64_t now_ms);

    // Start-up, before the broker restores its state: every device still online
    // (the previous run stopped without closing its connection) goes offline at
    // `now_ms` with cause gateway-restart, with a transition saying whether its
    // Will goes out now (a held Will without delay). Returns how many. In its
    // own transaction.
    std::size_t mark_offline_after_restart(std::int64_t now_ms);

private:
    void update_counters(const std::string& client_id, const liveness::DeviceCounters& counters);
    void record(const std::string& client_id, std::int64_t at_ms, bool online, const std::string& cause,
                const std::string& reason, const std::string& peer, bool will_published);

    Database& database_;
    Statement upsert_online_;
    Statement upsert_offline_;
    Statement update_counters_;
    Statement upsert_will_;
    Statement insert_transition_;
    Statement delete_device_;
    Statement delete_history_;
    Statement trim_by_age_;
    Statement trim_by_rows_;
};

}  // namespace wg::store
