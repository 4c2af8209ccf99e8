#include "bridge/delivery_window.h"

#include <algorithm>

namespace wg::bridge {

DeliveryWindow::DeliveryWindow(std::size_t window, std::size_t batch)
    : window_{std::max<std::size_t>(window, 1)}, batch_{std::max<std::size_t>(batch, 1)} {}

void DeliveryWindow::add_rows(std::vector<broker::OutboxRow> rows) {
    more_rows_ = rows.size() >= batch_;
    for (auto& row : rows) {
        cursor_ = std::max(cursor_, row.id);
        if (settled_.contains(row.id) || in_flight_.contains(row.id)) continue;
        buffer_.push_back(std::move(row));
    }
}

const broker::OutboxRow* DeliveryWindow::next() const {
    if (in_flight_.size() >= window_ || buffer_.empty()) return nullptr;
    return &buffer_.front();
}

void DeliveryWindow::sent() {
    if (buffer_.empty()) return;
    in_flight_.emplace(buffer_.front().id, buffer_.front().queued_ms);
    buffer_.pop_front();
}

void DeliveryWindow::acknowledged(std::int64_t id) {
    in_flight_.erase(id);
    settled_.insert(id);
    unqueued_.push_back(id);
}

void DeliveryWindow::deletions_queued(const std::vector<std::int64_t>& ids, std::uint64_t sequence) {
    for (const std::int64_t id : ids) pending_deletes_.emplace_back(sequence, id);
}

void DeliveryWindow::settled(std::int64_t id, std::uint64_t sequence) {
    in_flight_.erase(id);
    settled_.insert(id);
    pending_deletes_.emplace_back(sequence, id);
}

void DeliveryWindow::skip_next(std::uint64_t sequence) {
    if (buffer_.empty()) return;
    const std::int64_t id = buffer_.front().id;
    buffer_.pop_front();
    settled_.insert(id);
    pending_deletes_.emplace_back(sequence, id);
}

void DeliveryWindow::committed(std::uint64_t through) {
    while (!pending_deletes_.empty() && pending_deletes_.front().first <= through) {
        settled_.erase(pending_deletes_.front().second);
        pending_deletes_.pop_front();
    }
}

void DeliveryWindow::restart() {
    in_flight_.clear();
    buffer_.clear();
    cursor_ = 0;
    more_rows_ = true;
}

std::optional<std::int64_t> DeliveryWindow::oldest_held_ms() const {
    std::optional<std::int64_t> oldest;
    if (!in_flight_.empty()) oldest = in_flight_.begin()->second;
    if (!buffer_.empty() && (!oldest || buffer_.front().queued_ms < *oldest)) oldest = buffer_.front().queued_ms;
    return oldest;
}

}  // namespace wg::bridge
