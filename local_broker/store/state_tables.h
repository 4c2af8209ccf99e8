#pragma once
// The SQL of the broker's durable state (schema.h): applies StoreOperations
// with statements prepared once, and reads everything back at start-up.
//
// Threading: that of its Database, which must outlive it. apply() runs inside
// the caller's transaction. Errors: StoreError from SQLite. load() skips a row
// it cannot understand (a malformed properties blob, an unknown QoS) with a
// warning naming the table and key, and goes on.

#include "local_broker/core/persistence.h"
#include "local_broker/store/database.h"
#include "local_broker/store/statement.h"
#include "local_broker/store/store_operation.h"

namespace wg::store {

class StateTables {
public:
    explicit StateTables(Database& database);

    void apply(const StoreOperation& operation);

    core::StoredState load();

private:
    void apply_one(const WillHeld& held);
    void apply_one(const WillPending& pending);
    void apply_one(const WillRemoved& removed);
    void apply_one(const RetainedSet& set);
    void apply_one(const RetainedCleared& cleared);

    void load_wills(core::StoredState& state);
    void load_retained(core::StoredState& state);

    Database& database_;
    Statement put_will_;
    Statement set_will_due_;
    Statement delete_will_;
    Statement put_retained_;
    Statement delete_retained_;
};

}  // namespace wg::store
