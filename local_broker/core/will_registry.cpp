#include "local_broker/core/will_registry.h"

#include <algorithm>

namespace wg::core {

void WillRegistry::hold(const std::string& client_id, codec::Will will, std::chrono::seconds delay) {
    held_.insert_or_assign(client_id, Held{std::move(will), delay});
}

bool WillRegistry::discard(std::string_view client_id) {
    auto it = held_.find(std::string(client_id));
    if (it == held_.end()) return false;
    held_.erase(it);
    return true;
}

bool WillRegistry::release(std::string_view client_id, time_point now,
                           std::optional<std::chrono::seconds> session_left) {
    auto it = held_.find(std::string(client_id));
    if (it == held_.end()) return false;
    cancel_pending(client_id);
    const auto delay = session_left ? std::min(it->second.delay, *session_left) : it->second.delay;
    auto pending = pending_.emplace(now + delay, Pending{it->first, std::move(it->second.will)});
    pending_by_client_.insert_or_assign(it->first, pending);
    held_.erase(it);
    return true;
}

bool WillRegistry::cancel_pending(std::string_view client_id) {
    auto it = pending_by_client_.find(std::string(client_id));
    if (it == pending_by_client_.end()) return false;
    pending_.erase(it->second);
    pending_by_client_.erase(it);
    return true;
}

void WillRegistry::schedule(const std::string& client_id, codec::Will will, time_point due) {
    cancel_pending(client_id);
    auto pending = pending_.emplace(due, Pending{client_id, std::move(will)});
    pending_by_client_.insert_or_assign(client_id, pending);
}

std::optional<WillRegistry::time_point> WillRegistry::pending_due(std::string_view client_id) const {
    auto it = pending_by_client_.find(std::string(client_id));
    if (it == pending_by_client_.end()) return std::nullopt;
    return it->second->first;
}

std::optional<codec::Will> WillRegistry::take_pending(std::string_view client_id) {
    auto it = pending_by_client_.find(std::string(client_id));
    if (it == pending_by_client_.end()) return std::nullopt;
    codec::Will will = std::move(it->second->second.will);
    pending_.erase(it->second);
    pending_by_client_.erase(it);
    return will;
}

std::vector<WillRegistry::DueWill> WillRegistry::take_due(time_point now) {
    std::vector<DueWill> due;
    auto end = pending_.upper_bound(now);
    for (auto it = pending_.begin(); it != end; ++it) {
        pending_by_client_.erase(it->second.client_id);
        due.push_back(DueWill{std::move(it->second.client_id), std::move(it->second.will)});
    }
    pending_.erase(pending_.begin(), end);
    return due;
}

std::optional<WillRegistry::time_point> WillRegistry::next_due() const {
    if (pending_.empty()) return std::nullopt;
    return pending_.begin()->first;
}

bool WillRegistry::holds(std::string_view client_id) const { return held_.count(std::string(client_id)) != 0; }

}  // namespace wg::core
