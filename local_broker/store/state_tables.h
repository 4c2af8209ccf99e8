#pragma once
// The SQL of the broker's durable state (schema.h): applies StoreOperations
// with statements prepared once, and reads everything back at start-up.
// Subscriptions, deliveries and QoS 2 ids of a client without a session row
// are left over from nothing the broker wrote; load() ignores them.
//
// Threading: that of its Database, which must outlive it. apply() runs inside
// the caller's transaction. Errors: StoreError from SQLite. load() skips a row
// it cannot understand (a malformed properties blob, an unknown QoS) with a
// warning naming the table and key, and goes on.

#include <utility>

#include "local_broker/core/persistence.h"
#include "local_broker/store/database.h"
#include "local_broker/store/device_tables.h"
#include "local_broker/store/outbox_tables.h"
#include "local_broker/store/statement.h"
#include "local_broker/store/store_operation.h"

namespace wg::store {

class StateTables {
public:
    explicit StateTables(Database& database);

    void apply(const StoreOperation& operation);

    // The time of the newest device transition apply() recorded since the last
    // call (0 if none): the history then wants trimming (DeviceTables::trim)
    // before the commit.
    std::int64_t take_latest_transition_ms() { return std::exchange(latest_transition_ms_, 0); }
    DeviceTables& devices() { return devices_; }
    OutboxTables& outbox() { return outbox_; }
    const OutboxTables& outbox() const { return outbox_; }

    core::StoredState load();

private:
    void apply_one(const WillHeld& held);
    void apply_one(const WillPending& pending);
    void apply_one(const WillRemoved& removed);
    void apply_one(const RetainedSet& set);
    void apply_one(const RetainedCleared& cleared);
    void apply_one(const SessionStored& stored);
    void apply_one(const SessionRemoved& removed);
    void apply_one(const SubscriptionStored& stored);
    void apply_one(const SubscriptionRemoved& removed);
    void apply_one(const DeliveryStored& stored);
    void apply_one(const DeliveryUpdated& updated);
    void apply_one(const DeliveryRemoved& removed);
    void apply_one(const Qos2Received& received);
    void apply_one(const Qos2Released& released);
    void apply_one(const DeviceConnected& connected);
    void apply_one(const DeviceDisconnected& disconnected);
    void apply_one(const DeviceActivityReported& reported);
    void apply_one(const DeviceWillPublished& published);
    void apply_one(const DeviceForgotten& forgotten);
    void apply_one(const OutboxAppended& appended) { outbox_.apply(appended); }
    void apply_one(const OutboxRemoved& removed) { outbox_.apply(removed); }
    void apply_one(const OutboxRejected& rejected) { outbox_.apply(rejected); }
    void apply_one(const LivenessForwarded& forwarded) { outbox_.apply(forwarded); }

    void load_wills(core::StoredState& state);
    void load_retained(core::StoredState& state);
    void load_sessions(core::StoredState& state);
    void load_subscriptions(core::StoredState& state);
    void load_deliveries(core::StoredState& state);
    void load_incoming_qos2(core::StoredState& state);

    Database& database_;
    Statement put_will_;
    Statement set_will_due_;
    Statement delete_will_;
    Statement put_retained_;
    Statement delete_retained_;
    Statement put_session_;
    Statement delete_session_;
    Statement delete_session_subscriptions_;
    Statement delete_session_deliveries_;
    Statement delete_session_qos2_;
    Statement put_subscription_;
    Statement delete_subscription_;
    Statement put_delivery_;
    Statement update_delivery_;
    Statement delete_delivery_;
    Statement put_qos2_;
    Statement delete_qos2_;
    DeviceTables devices_;
    OutboxTables outbox_;
    std::int64_t latest_transition_ms_ = 0;
};

}  // namespace wg::store
