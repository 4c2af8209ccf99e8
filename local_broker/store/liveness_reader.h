#pragma once
// The reading side of device liveness (willgate/liveness.h) over the gateway's
// database: its own read-only SQLite connection beside the store's writer, so
// every call is one read transaction (a consistent snapshot, WAL: never blocks
// the writer nor the broker).
//
// Changes become readable when the store commits them; the gateway tells the
// reader with notify_committed() from the store's commit listener, which wakes
// wait_for_change().
//
// Threading: any thread; calls are serialised on the one connection (a web
// request holds it for one query). Errors: a failed query is logged and read as
// "nothing" (empty list, nullopt, 0), so the dashboard shows an empty page
// rather than failing; the constructor throws StoreError.

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>

#include "local_broker/store/broker_store.h"
#include "local_broker/store/database.h"
#include "local_broker/store/statement.h"
#include "willgate/liveness.h"

namespace wg::store {

class StoredLivenessReader final : public liveness::LivenessReader {
public:
    // `store` writes the same database (forget() goes through it); it must
    // outlive the reader.
    StoredLivenessReader(BrokerStore& store, const DatabaseOptions& options = {});

    std::vector<liveness::DeviceStatus> devices() override;
    std::optional<liveness::DeviceStatus> device(const std::string& client_id) override;
    std::vector<liveness::Transition> history(const std::string& client_id, std::int64_t from_ms) override;
    std::vector<liveness::Transition> changes_after(std::int64_t after, std::size_t max) override;
    std::int64_t last_sequence() override;
    std::int64_t wait_for_change(std::int64_t after, std::chrono::milliseconds timeout) override;
    bool forget(const std::string& client_id) override;

    // A commit happened (any thread; cheap).
    void notify_committed();

private:
    template <typename Read>
    auto guarded(const char* what, Read read) -> decltype(read());

    BrokerStore& store_;
    std::mutex mutex_;  // the connection and its statements
    Database database_;
    Statement select_devices_;
    Statement select_device_;
    Statement select_history_before_;
    Statement select_history_from_;
    Statement select_changes_;
    Statement select_last_sequence_;

    std::mutex commits_mutex_;
    std::condition_variable committed_;
    std::uint64_t commits_seen_ = 0;
};

}  // namespace wg::store
