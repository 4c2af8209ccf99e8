#pragma once
// Which outbox rows a bridge sends next: the bookkeeping between the outbox
// (rows in id order, read in bounded batches) and the cloud connection (at most
// `window` unacknowledged PUBLISH). Pure: no I/O, no threads; the bridge's
// thread drives it.
//
// - Rows are sent in id order, so the cloud gets each topic's messages in the
//   order the devices published them.
// - A row the cloud acknowledged is deleted through the store, in batches
//   (take_deletions()): one store change per batch instead of one per row.
//   Until its deletion is committed (sequence numbers, commit reports) the row
//   may still be read, so it is skipped.
// - When the connection is lost, every unacknowledged row is sent again from
//   the start of the outbox (at least once).

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "willgate/outbox.h"

namespace wg::bridge {

class DeliveryWindow {
public:
    DeliveryWindow(std::size_t window, std::size_t batch);

    // True when the next row must come from the outbox: read_after(cursor(), batch()).
    bool wants_rows() const { return buffer_.empty() && more_rows_; }
    std::int64_t cursor() const { return cursor_; }
    std::size_t batch() const { return batch_; }
    void add_rows(std::vector<broker::OutboxRow> rows);
    // New rows were committed: read again when the buffer runs dry.
    void rows_committed() { more_rows_ = true; }

    // The next row to send, if the window has room and one is buffered.
    const broker::OutboxRow* next() const;
    // next() was handed to the connection.
    void sent();
    // next() cannot be sent now (try again later) — nothing changes.

    // The cloud acknowledged `id`: its deletion joins the next batch.
    void acknowledged(std::int64_t id);
    // A batch of deletions is due: a read batch's worth, or nothing is in
    // flight any more (the acknowledgements have stopped for now).
    bool deletions_due() const { return unqueued_.size() >= batch_ || (!unqueued_.empty() && in_flight_.empty()); }
    // Takes the acknowledged rows whose deletion is not queued yet, in order;
    // their deletion has sequence number `sequence` in the store's stream.
    std::vector<std::int64_t> take_deletions() { return std::exchange(unqueued_, {}); }
    void deletions_queued(const std::vector<std::int64_t>& ids, std::uint64_t sequence);
    // The cloud refused `id` for good; its deletion (moving it aside) has
    // sequence number `sequence` in the store's stream.
    void settled(std::int64_t id, std::uint64_t sequence);
    // The store committed everything through `sequence`.
    void committed(std::uint64_t through);
    // Drops next() without sending it (refused before sending); its deletion
    // has `sequence`.
    void skip_next(std::uint64_t sequence);

    // The connection is gone: unacknowledged rows go again, from the start.
    void restart();

    std::size_t in_flight() const { return in_flight_.size(); }
    // Acknowledged rows whose deletion the store has not committed yet.
    bool deletions_pending() const { return !pending_deletes_.empty() || !unqueued_.empty(); }
    bool is_in_flight(std::int64_t id) const { return in_flight_.contains(id); }
    // The oldest queued_ms among rows held here (in flight or buffered).
    std::optional<std::int64_t> oldest_held_ms() const;

private:
    std::size_t window_;
    std::size_t batch_;
    std::deque<broker::OutboxRow> buffer_;
    std::map<std::int64_t, std::int64_t> in_flight_;  // id -> queued_ms
    std::set<std::int64_t> settled_;                  // acknowledged, deletion not yet committed
    std::vector<std::int64_t> unqueued_;              // acknowledged, deletion not yet queued
    std::deque<std::pair<std::uint64_t, std::int64_t>> pending_deletes_;  // (sequence, id) in sequence order
    std::int64_t cursor_ = 0;
    bool more_rows_ = true;
};

}  // namespace wg::bridge
