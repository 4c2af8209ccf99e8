#pragma once
// The SQL of the bridge outbox (schema.h version 4), on the store writer's
// connection: appends with the overflow policy, deletes on the cloud's
// acknowledgement, moves refused messages aside. Keeps each bridge's totals
// (messages and bytes stored, dropped and rejected since start) as atomics that
// any thread may read.
//
// Threading: configure() and load_totals() before the writer starts; apply()
// on the writer thread inside its transaction; totals() from any thread.
// Errors: StoreError from SQLite (the store rolls the batch back and retries).
// A rolled-back batch leaves the totals counting its changes: they are
// recounted from the table (load_totals()) by the next successful batch.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "local_broker/store/database.h"
#include "local_broker/store/statement.h"
#include "local_broker/store/store_operation.h"
#include "willgate/outbox.h"

namespace wg::store {

class OutboxTables {
public:
    explicit OutboxTables(Database& database);

    // A bridge's outbox and its bounds; appends for other names are ignored.
    void configure(const std::string& bridge, const broker::OutboxBounds& bounds);
    // Reads what each configured bridge has stored (start-up, or after a failed batch).
    void load_totals();

    void apply(const OutboxAppended& appended);
    void apply(const OutboxRemoved& removed);
    void apply(const OutboxRejected& rejected);
    void apply(const LivenessForwarded& forwarded);

    broker::OutboxTotals totals(const std::string& bridge) const;
    bool configured() const { return !bridges_.empty(); }

private:
    struct Bridge {
        broker::OutboxBounds bounds;
        std::atomic<std::uint64_t> messages{0};
        std::atomic<std::uint64_t> bytes{0};
        std::atomic<std::uint64_t> dropped{0};
        std::atomic<std::uint64_t> rejected{0};
    };

    Bridge* find(const std::string& bridge);
    // Deletes row `id` of `bridge` if it is there; returns its size, or -1.
    std::int64_t delete_row(const std::string& bridge, std::int64_t id);
    void drop_oldest(const std::string& name, Bridge& bridge);

    Database& database_;
    std::map<std::string, std::unique_ptr<Bridge>, std::less<>> bridges_;  // fixed once the writer runs
    Statement insert_;
    Statement select_size_;
    Statement delete_;
    Statement select_oldest_;
    Statement copy_rejected_;
    Statement count_;
    Statement put_cursor_;
};

}  // namespace wg::store
