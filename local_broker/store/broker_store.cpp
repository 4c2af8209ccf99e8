#include "local_broker/store/broker_store.h"

#include <algorithm>
#include <exception>
#include <iterator>
#include <stdexcept>
#include <utility>

#include "common/log.h"
#include "common/thread_name.h"
#include "local_broker/store/schema.h"

namespace wg::store {
namespace {

// Queued operations whose room the queue keeps between batches.
constexpr std::size_t kKeptQueueCapacity = 1024;

}  // namespace

BrokerStore::BrokerStore(const std::filesystem::path& path, const BrokerStoreOptions& options)
    : options_{options}, database_{Database::open(path, broker_schema(), options.database)}, tables_{database_} {}

BrokerStore::~BrokerStore() { stop(); }

core::StoredState BrokerStore::load() {
    {
        std::lock_guard lock{mutex_};
        if (running_) throw std::logic_error{"BrokerStore::load() called after start()"};
    }
    return tables_.load();
}

void BrokerStore::set_commit_listener(CommitListener listener) {
    std::lock_guard lock{mutex_};
    if (running_) throw std::logic_error{"BrokerStore::set_commit_listener() called after start()"};
    commit_listener_ = std::move(listener);
}

void BrokerStore::set_failure_listener(FailureListener listener) {
    std::lock_guard lock{mutex_};
    if (running_) throw std::logic_error{"BrokerStore::set_failure_listener() called after start()"};
    failure_listener_ = std::move(listener);
}

void BrokerStore::start() {
    std::lock_guard lock{mutex_};
    if (running_ || writer_.joinable()) return;
    running_ = true;
    stopping_ = false;
    writer_ = std::thread{[this] { run(); }};
}

bool BrokerStore::flush() {
    std::unique_lock lock{mutex_};
    const std::uint64_t target = queued_total_.load(std::memory_order_relaxed);
    if (committed_through_ >= target) return true;
    if (!running_) {
        commit_queued(lock);
        return committed_through_ >= target;
    }
    // Wait for an attempt that starts after this call (it takes every queued
    // operation), or for the current one if it commits ours.
    const std::uint64_t started = attempts_started_;
    flush_requested_ = true;
    wake_.notify_one();
    attempted_.wait(lock, [&] { return committed_through_ >= target || attempts_finished_ > started || !running_; });
    return committed_through_ >= target;
}

void BrokerStore::stop() {
    {
        std::unique_lock lock{mutex_};
        if (!running_ && !writer_.joinable()) {
            if (!queue_.empty()) commit_queued(lock);  // never started
        } else {
            stopping_ = true;
        }
    }
    wake_.notify_one();
    if (writer_.joinable()) writer_.join();

    std::lock_guard lock{mutex_};
    stopping_ = false;
    if (!queue_.empty())
        log::error(path() + ": " + std::to_string(queue_.size()) +
                   " operations were not stored when the store stopped (see the errors above)");
}

std::size_t BrokerStore::queued_operations() const {
    std::lock_guard lock{mutex_};
    return queue_.size();
}

void BrokerStore::will_held(const std::string& client_id, const codec::Will& will, std::chrono::seconds delay) {
    enqueue(WillHeld{client_id, std::make_unique<const codec::Will>(will), delay});
}

void BrokerStore::will_pending(const std::string& client_id, core::WallClock::time_point due) {
    enqueue(WillPending{client_id, due});
}

void BrokerStore::will_removed(const std::string& client_id) { enqueue(WillRemoved{client_id}); }

void BrokerStore::retained_set(const core::StoredRetained& retained) { enqueue(RetainedSet{std::make_unique<const core::StoredRetained>(retained)}); }

void BrokerStore::retained_cleared(const std::string& topic) { enqueue(RetainedCleared{topic}); }

void BrokerStore::session_stored(const std::string& client_id, std::uint32_t expiry_interval,
                                 std::optional<core::WallClock::time_point> expires_at) {
    enqueue(SessionStored{client_id, expiry_interval, expires_at});
}

void BrokerStore::session_removed(const std::string& client_id) { enqueue(SessionRemoved{client_id}); }

void BrokerStore::subscription_stored(const std::string& client_id, const core::StoredSubscription& subscription) {
    enqueue(SubscriptionStored{client_id, subscription});
}

void BrokerStore::subscription_removed(const std::string& client_id, const std::string& filter) {
    enqueue(SubscriptionRemoved{client_id, filter});
}

// Keeps the shared message pointer, not a copy of the payload: the message is
// immutable and its reference count is atomic.
void BrokerStore::delivery_stored(const std::string& client_id, const core::StoredDelivery& delivery) {
    enqueue(DeliveryStored{client_id, delivery});
}

void BrokerStore::delivery_updated(const std::string& client_id, std::uint64_t stored_id, std::uint16_t packet_id,
                                   core::InflightState state) {
    enqueue(DeliveryUpdated{client_id, stored_id, packet_id, state});
}

void BrokerStore::delivery_removed(const std::string& client_id, std::uint64_t stored_id) {
    enqueue(DeliveryRemoved{client_id, stored_id});
}

void BrokerStore::qos2_received(const std::string& client_id, std::uint16_t packet_id) {
    enqueue(Qos2Received{client_id, packet_id});
}

void BrokerStore::qos2_released(const std::string& client_id, std::uint16_t packet_id) {
    enqueue(Qos2Released{client_id, packet_id});
}

void BrokerStore::set_history_retention(const liveness::HistoryRetention& retention) {
    std::lock_guard lock{mutex_};
    if (running_) throw std::logic_error{"BrokerStore::set_history_retention() called after start()"};
    history_retention_ = retention;
}

std::size_t BrokerStore::mark_devices_offline_after_restart(std::int64_t now_ms) {
    {
        std::lock_guard lock{mutex_};
        if (running_) throw std::logic_error{"BrokerStore::mark_devices_offline_after_restart() called after start()"};
    }
    return tables_.devices().mark_offline_after_restart(now_ms);
}

void BrokerStore::configure_outbox(const std::string& bridge, const broker::OutboxBounds& bounds) {
    {
        std::lock_guard lock{mutex_};
        if (running_) throw std::logic_error{"BrokerStore::configure_outbox() called after start()"};
    }
    tables_.outbox().configure(bridge, bounds);
    tables_.outbox().load_totals();
}

void BrokerStore::outbox_append(const std::string& bridge, broker::OutboxEntry entry) {
    enqueue(OutboxAppended{bridge, std::move(entry)});
}

std::uint64_t BrokerStore::outbox_remove(const std::string& bridge, std::vector<std::int64_t> ids) {
    return enqueue(OutboxRemoved{bridge, std::move(ids)});
}

std::uint64_t BrokerStore::outbox_reject(const std::string& bridge, std::int64_t id, std::string reason) {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return enqueue(OutboxRejected{bridge, id, std::move(reason),
                           std::chrono::duration_cast<std::chrono::milliseconds>(now).count()});
}

void BrokerStore::outbox_liveness_through(const std::string& bridge, std::int64_t sequence) {
    enqueue(LivenessForwarded{bridge, sequence});
}

broker::OutboxTotals BrokerStore::outbox_totals(const std::string& bridge) const {
    return tables_.outbox().totals(bridge);
}

void BrokerStore::device_connected(const liveness::DeviceConnection& connection) {
    enqueue(DeviceConnected{connection});
}

void BrokerStore::device_disconnected(const liveness::DeviceDisconnection& disconnection) {
    enqueue(DeviceDisconnected{disconnection});
}

void BrokerStore::device_activity(const liveness::DeviceActivity& activity) {
    enqueue(DeviceActivityReported{activity});
}

void BrokerStore::device_will_published(const liveness::DeviceWill& will) { enqueue(DeviceWillPublished{will}); }

void BrokerStore::forget_device(const std::string& client_id) { enqueue(DeviceForgotten{client_id}); }

std::uint64_t BrokerStore::enqueue(StoreOperation operation) {
    bool first = false;
    std::uint64_t sequence = 0;
    {
        std::lock_guard lock{mutex_};
        first = queue_.empty();
        queue_.push_back(std::move(operation));
        sequence = queued_total_.fetch_add(1, std::memory_order_relaxed) + 1;
    }
    // The writer waits for new work only when the queue is empty; while it
    // gathers a batch, further operations need no wake-up.
    if (first) wake_.notify_one();
    return sequence;
}

// Group commit: an operation arriving at an idle writer waits commit_interval
// for company; operations that arrived while a commit was running are
// committed right after it, so under load batches grow with the load instead
// of a fixed delay capping the rate of acknowledgements waiting for commits.
void BrokerStore::run() {
    name_this_thread("wg-store");
    std::unique_lock lock{mutex_};
    bool backlog = false;  // operations arrived during the last commit
    for (;;) {
        wake_.wait(lock, [&] { return stopping_ || flush_requested_ || !queue_.empty(); });
        if (queue_.empty()) {
            if (stopping_) break;
            flush_requested_ = false;  // the batch in flight when flush() came has committed
            continue;
        }
        if (!stopping_ && !flush_requested_ && !(backlog && healthy())) {
            auto until = std::chrono::steady_clock::now() + options_.commit_interval;
            if (!healthy()) until = std::max(until, retry_at_);
            wake_.wait_until(lock, until, [&] { return stopping_ || flush_requested_; });
        }
        const bool committed = commit_queued(lock);
        if (!committed && stopping_) break;  // stop(): one attempt, then report
        backlog = committed && !queue_.empty();
    }
    running_ = false;
    attempted_.notify_all();
}

bool BrokerStore::commit_queued(std::unique_lock<std::mutex>& lock) {
    std::vector<StoreOperation> batch;
    batch.swap(queue_);
    const std::uint64_t through = queued_total_.load(std::memory_order_relaxed);
    flush_requested_ = false;
    ++attempts_started_;

    lock.unlock();
    const bool committed = write(batch);
    if (committed && !batch.empty()) notify_committed(through);
    if (!committed && failure_listener_) failure_listener_();
    lock.lock();

    ++attempts_finished_;
    if (committed) {
        committed_through_ = through;
        // Keep the capacity for the next batch, unless a burst (ten thousand
        // devices connecting at once) made it large: that memory goes back.
        if (queue_.empty() && batch.capacity() <= kKeptQueueCapacity) {
            batch.clear();
            queue_.swap(batch);
        } else if (queue_.capacity() > kKeptQueueCapacity && queue_.size() <= kKeptQueueCapacity) {
            queue_.shrink_to_fit();
        }
    } else {
        // Back to the front, ahead of what came meanwhile: call order is kept.
        batch.insert(batch.end(), std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
        queue_ = std::move(batch);
        retry_at_ = std::chrono::steady_clock::now() + options_.retry_interval;
    }
    attempted_.notify_all();
    return committed;
}

bool BrokerStore::write(const std::vector<StoreOperation>& batch) {
    if (batch.empty()) return true;
    try {
        Transaction transaction{database_};
        if (recount_outbox_) tables_.outbox().load_totals();
        for (const auto& operation : batch) tables_.apply(operation);
        if (const std::int64_t latest = tables_.take_latest_transition_ms(); latest != 0)
            tables_.devices().trim(history_retention_, latest);
        transaction.commit();
    } catch (const StoreError& error) {
        recount_outbox_ = tables_.outbox().configured();
        report_failure(error.code(), error.what(), batch.size());
        return false;
    } catch (const std::exception& error) {
        recount_outbox_ = tables_.outbox().configured();
        report_failure(-1, path() + ": cannot commit: " + error.what(), batch.size());
        return false;
    }
    recount_outbox_ = false;
    commits_.fetch_add(1, std::memory_order_relaxed);
    operations_committed_.fetch_add(batch.size(), std::memory_order_relaxed);
    if (!healthy()) {
        log::info(path() + ": commits succeed again (" + std::to_string(failed_commits()) +
                  " failed attempts so far)");
        healthy_.store(true, std::memory_order_relaxed);
    }
    logged_failure_.reset();
    return true;
}

void BrokerStore::notify_committed(std::uint64_t through) {
    if (!commit_listener_) return;
    try {
        commit_listener_(through);
    } catch (const std::exception& error) {
        log::error(path() + ": the commit listener failed: " + error.what());
    }
}

void BrokerStore::report_failure(int kind, const std::string& message, std::size_t operations) {
    failed_commits_.fetch_add(1, std::memory_order_relaxed);
    healthy_.store(false, std::memory_order_relaxed);
    if (logged_failure_ == kind) return;
    logged_failure_ = kind;
    log::error(message + "; " + std::to_string(operations) + " operations kept for the next attempt");
}

}  // namespace wg::store
