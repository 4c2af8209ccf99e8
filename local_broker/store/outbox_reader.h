#pragma once
// The reading side of one bridge's outbox (willgate/outbox.h) over the
// gateway's database: a read-only SQLite connection of its own beside the
// store's writer (WAL: it never blocks the writer nor the broker), reading
// committed rows in id order through the (bridge, id) index.
//
// Threading: one thread at a time (the bridge's). Errors: a failed query is
// logged and reads as nothing; the constructor throws StoreError.

#include <filesystem>
#include <string>

#include "local_broker/store/database.h"
#include "local_broker/store/statement.h"
#include "willgate/outbox.h"

namespace wg::store {

class StoredOutboxReader final : public broker::OutboxReader {
public:
    StoredOutboxReader(const std::filesystem::path& database, std::string bridge, const DatabaseOptions& options = {});

    std::vector<broker::OutboxRow> read_after(std::int64_t after, std::size_t max) override;
    std::optional<std::int64_t> oldest_queued_ms() override;
    std::optional<std::int64_t> liveness_cursor() override;

private:
    std::string bridge_;
    Database database_;
    Statement select_after_;
    Statement select_oldest_;
    Statement select_cursor_;
};

}  // namespace wg::store
