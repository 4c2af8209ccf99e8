#pragma once
// The broker's durable state in SQLite (core::Persistence): Wills of live
// connections, pending Wills, retained messages, persistent sessions.
//
// Life cycle (owner's thread: gateway/ or a test):
//   BrokerStore store{path, options};   // opens and migrates; throws StoreError
//   auto state = store.load();          // before start() and before any change
//   store.start();                      // starts the one writer thread
//   ... the broker calls will_held() & co. on its event-loop thread ...
//   store.stop();                       // commits what is queued, joins (the destructor does it too)
//
// Threading: the Persistence calls never block on the disk: each appends an
// operation to a queue under a mutex and returns. The writer thread wakes on
// the first queued operation, waits `commit_interval` (default 0) to gather
// more, then commits the whole batch in one transaction, in call order; what
// arrived during a commit is committed straight after it (group commit). Under
// load a batch is whatever arrived during the previous commit, so the cost per
// operation falls as the load rises, and no fixed delay caps the rate of
// acknowledgements that wait for commits. flush(), the
// counters and healthy() may be called from any thread.
//
// Sequence numbers: operations are numbered 1, 2, ... in call order;
// last_sequence() is the number of the last one queued. After each commit the
// commit listener (if set) gets the highest number committed, on the thread that
// committed: the gateway posts it to the event loop (Broker::on_persisted()).
//
// Errors: a commit that fails (disk full, I/O error, a size cap reached) is
// logged once per kind of failure with the file and cause; its operations stay
// queued, in order, and are tried again `retry_interval` later (at once on
// flush() or stop()). healthy() is false from a failure until a commit
// succeeds, so that the broker can refuse work that needs durable state; the
// queue is not bounded while the store is unhealthy.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "local_broker/core/persistence.h"
#include "local_broker/liveness/liveness_persistence.h"
#include "local_broker/store/database.h"
#include "local_broker/store/state_tables.h"
#include "local_broker/store/store_operation.h"
#include "willgate/outbox.h"

namespace wg::store {

struct BrokerStoreOptions {
    DatabaseOptions database;  // durability, busy timeout, size cap
    // How long an idle writer gathers operations after the first one arrives.
    // 0: start committing at once; group commit does the gathering.
    std::chrono::milliseconds commit_interval{0};
    // How long after a failed commit the next attempt comes.
    std::chrono::milliseconds retry_interval{1000};
};

class BrokerStore final : public core::Persistence,
                          public liveness::LivenessPersistence,
                          public broker::OutboxWriter {
public:
    // Gets the highest sequence number committed. Runs on the committing
    // thread (normally the writer) without the store's lock; it must be quick
    // and must not call the store's Persistence functions, flush() or stop().
    using CommitListener = std::function<void(std::uint64_t committed_through)>;

    // Opens (creating if needed) and migrates the database. Throws StoreError.
    explicit BrokerStore(const std::filesystem::path& path, const BrokerStoreOptions& options = {});
    BrokerStore(const BrokerStore&) = delete;
    BrokerStore& operator=(const BrokerStore&) = delete;
    ~BrokerStore() override;

    // Everything stored, for the broker to restore. Call before start().
    // Throws StoreError if the database cannot be read, std::logic_error if the
    // writer is running.
    core::StoredState load();

    // Call before start().
    void set_commit_listener(CommitListener listener);

    // Called on the writer thread after each failed commit attempt (the
    // operations stay queued); the broker then stops waiting for them. Call
    // before start().
    using FailureListener = std::function<void()>;
    void set_failure_listener(FailureListener listener);

    // Device liveness, before start(): how much history to keep, and the
    // devices the previous run left online (it stopped without closing their
    // connections) marked offline with cause gateway-restart at `now_ms`
    // (DeviceTables::mark_offline_after_restart). Call before load()'s state is
    // restored into the broker, so the Wills are still stored. Throws StoreError.
    void set_history_retention(const liveness::HistoryRetention& retention);
    std::size_t mark_devices_offline_after_restart(std::int64_t now_ms);

    // The bridge outbox of `bridge` with its bounds (willgate/outbox.h), before
    // start(): reads what it holds from the previous run. Throws StoreError.
    void configure_outbox(const std::string& bridge, const broker::OutboxBounds& bounds);

    // Starts the writer thread (once; later calls do nothing until stop()).
    void start();
    // Blocks until every operation queued before the call has been committed,
    // or a commit attempt that included them failed: returns true if they are
    // committed. Without a running writer, commits on the calling thread.
    bool flush();
    // Commits what is queued (one attempt) and joins the writer. Operations
    // that could not be committed are reported in the log and stay queued.
    void stop();

    // core::Persistence: event-loop thread; queue and return.
    void will_held(const std::string& client_id, const codec::Will& will, std::chrono::seconds delay) override;
    void will_pending(const std::string& client_id, core::WallClock::time_point due) override;
    void will_removed(const std::string& client_id) override;
    void retained_set(const core::StoredRetained& retained) override;
    void retained_cleared(const std::string& topic) override;
    void session_stored(const std::string& client_id, std::uint32_t expiry_interval,
                        std::optional<core::WallClock::time_point> expires_at) override;
    void session_removed(const std::string& client_id) override;
    void subscription_stored(const std::string& client_id, const core::StoredSubscription& subscription) override;
    void subscription_removed(const std::string& client_id, const std::string& filter) override;
    void delivery_stored(const std::string& client_id, const core::StoredDelivery& delivery) override;
    void delivery_updated(const std::string& client_id, std::uint64_t stored_id, std::uint16_t packet_id,
                          core::InflightState state) override;
    void delivery_removed(const std::string& client_id, std::uint64_t stored_id) override;
    void qos2_received(const std::string& client_id, std::uint16_t packet_id) override;
    void qos2_released(const std::string& client_id, std::uint16_t packet_id) override;
    // liveness::LivenessPersistence: event-loop thread; queue and return.
    void device_connected(const liveness::DeviceConnection& connection) override;
    void device_disconnected(const liveness::DeviceDisconnection& disconnection) override;
    void device_activity(const liveness::DeviceActivity& activity) override;
    void device_will_published(const liveness::DeviceWill& will) override;
    // Any thread: drops the device and its history if it is offline when the
    // operation is applied.
    void forget_device(const std::string& client_id);

    // broker::OutboxWriter: any thread; queue and return. Changes go through the
    // same queue and sequence numbers as the broker's, so an append queued while
    // a PUBLISH is routed is committed before its acknowledgement goes out.
    void outbox_append(const std::string& bridge, broker::OutboxEntry entry) override;
    std::uint64_t outbox_remove(const std::string& bridge, std::vector<std::int64_t> ids) override;
    std::uint64_t outbox_reject(const std::string& bridge, std::int64_t id, std::string reason) override;
    void outbox_liveness_through(const std::string& bridge, std::int64_t sequence) override;
    broker::OutboxTotals outbox_totals(const std::string& bridge) const override;

    // Event-loop thread (the one that queues); lock-free.
    std::uint64_t last_sequence() const override { return queued_total_.load(std::memory_order_relaxed); }

    std::uint64_t commits() const { return commits_.load(std::memory_order_relaxed); }
    std::uint64_t operations_committed() const { return operations_committed_.load(std::memory_order_relaxed); }
    std::uint64_t failed_commits() const { return failed_commits_.load(std::memory_order_relaxed); }
    bool healthy() const override { return healthy_.load(std::memory_order_relaxed); }
    // Operations waiting for a commit (including a failed batch).
    std::size_t queued_operations() const;

    const std::string& path() const { return database_.path(); }

private:
    using SteadyTime = std::chrono::steady_clock::time_point;

    // Returns the operation's sequence number.
    std::uint64_t enqueue(StoreOperation operation);
    void run();
    // Takes the whole queue, commits it with `lock` released, and puts it back
    // at the front of the queue if the commit fails. Returns true on success.
    bool commit_queued(std::unique_lock<std::mutex>& lock);
    bool write(const std::vector<StoreOperation>& batch);
    void notify_committed(std::uint64_t through);
    void report_failure(int kind, const std::string& message, std::size_t operations);

    BrokerStoreOptions options_;
    Database database_;
    StateTables tables_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;       // the writer waits here
    std::condition_variable attempted_;  // flush() waits here
    std::vector<StoreOperation> queue_;
    // Operations ever queued: changed under mutex_, read lock-free by last_sequence().
    std::atomic<std::uint64_t> queued_total_{0};
    std::uint64_t committed_through_ = 0;  // queued_total_ as of the last committed batch
    std::uint64_t attempts_started_ = 0;
    std::uint64_t attempts_finished_ = 0;
    SteadyTime retry_at_{};
    bool flush_requested_ = false;
    bool stopping_ = false;
    bool running_ = false;
    std::thread writer_;

    // Set before start(); then used only by whoever commits (one thread at a time).
    CommitListener commit_listener_;
    liveness::HistoryRetention history_retention_;
    FailureListener failure_listener_;
    std::optional<int> logged_failure_;
    bool recount_outbox_ = false;  // a failed batch left the outbox totals counting its changes

    std::atomic<std::uint64_t> commits_{0};
    std::atomic<std::uint64_t> operations_committed_{0};
    std::atomic<std::uint64_t> failed_commits_{0};
    std::atomic<bool> healthy_{true};
};

}  // namespace wg::store
