#include "local_broker/liveness/memory_liveness.h"

#include <algorithm>

namespace wg::liveness {

void MemoryLiveness::device_connected(const DeviceConnection& connection) {
    {
        std::lock_guard lock{mutex_};
        Entry& entry = devices_[connection.client_id];
        DeviceStatus& status = entry.status;
        status.client_id = connection.client_id;
        status.online = true;
        status.since_ms = connection.at_ms;
        status.last_seen_ms = connection.at_ms;
        status.peer = connection.peer;
        status.username = connection.username;
        status.protocol_version = connection.protocol_version;
        status.keep_alive = connection.keep_alive;
        status.clean_session = connection.clean_session;
        status.will = connection.will;
        entry.base = DeviceCounters{0, status.messages_received, status.messages_sent, status.bytes_received,
                                    status.bytes_sent};
        record(Transition{0, connection.client_id, connection.at_ms, true, {}, {}, connection.peer, false});
    }
    changed_.notify_all();
}

void MemoryLiveness::device_disconnected(const DeviceDisconnection& disconnection) {
    {
        std::lock_guard lock{mutex_};
        Entry& entry = devices_[disconnection.client_id];
        DeviceStatus& status = entry.status;
        status.client_id = disconnection.client_id;
        status.online = false;
        status.since_ms = disconnection.at_ms;
        status.peer = disconnection.peer;
        status.last_cause = disconnection.cause;
        status.last_reason = disconnection.reason;
        apply_counters(entry, disconnection.counters);
        record(Transition{0, disconnection.client_id, disconnection.at_ms, false, disconnection.cause,
                          disconnection.reason, disconnection.peer, disconnection.will_published});
    }
    changed_.notify_all();
}

void MemoryLiveness::device_activity(const DeviceActivity& activity) {
    std::lock_guard lock{mutex_};
    if (auto it = devices_.find(activity.client_id); it != devices_.end()) apply_counters(it->second, activity.counters);
}

void MemoryLiveness::device_will_published(const DeviceWill& will) {
    std::lock_guard lock{mutex_};
    auto [it, added] = devices_.try_emplace(will.client_id);
    if (added) {
        it->second.status.client_id = will.client_id;
        it->second.status.since_ms = will.will.at_ms;
    }
    it->second.status.last_will = will.will;
}

void MemoryLiveness::apply_counters(Entry& entry, const DeviceCounters& counters) {
    DeviceStatus& status = entry.status;
    status.last_seen_ms = std::max(status.last_seen_ms, counters.last_seen_ms);
    status.messages_received = entry.base.messages_received + counters.messages_received;
    status.messages_sent = entry.base.messages_sent + counters.messages_sent;
    status.bytes_received = entry.base.bytes_received + counters.bytes_received;
    status.bytes_sent = entry.base.bytes_sent + counters.bytes_sent;
}

void MemoryLiveness::record(Transition transition) {
    transition.sequence = ++last_sequence_;
    const std::int64_t cutoff =
        transition.at_ms - std::chrono::duration_cast<std::chrono::milliseconds>(retention_.max_age).count();
    history_.push_back(std::move(transition));
    while (!history_.empty() && (history_.size() > retention_.max_rows || history_.front().at_ms < cutoff))
        history_.pop_front();
}

std::vector<DeviceStatus> MemoryLiveness::devices() {
    std::lock_guard lock{mutex_};
    std::vector<DeviceStatus> all;
    all.reserve(devices_.size());
    for (const auto& [id, entry] : devices_) all.push_back(entry.status);
    return all;  // the map keeps them sorted by client id
}

std::optional<DeviceStatus> MemoryLiveness::device(const std::string& client_id) {
    std::lock_guard lock{mutex_};
    auto it = devices_.find(client_id);
    if (it == devices_.end()) return std::nullopt;
    return it->second.status;
}

std::vector<Transition> MemoryLiveness::history(const std::string& client_id, std::int64_t from_ms) {
    std::lock_guard lock{mutex_};
    std::vector<Transition> window;
    const Transition* before = nullptr;
    for (const Transition& transition : history_) {
        if (transition.client_id != client_id) continue;
        if (transition.at_ms < from_ms) before = &transition;
        else window.push_back(transition);
    }
    if (before) window.insert(window.begin(), *before);
    return window;
}

std::vector<Transition> MemoryLiveness::changes_after(std::int64_t after, std::size_t max) {
    std::lock_guard lock{mutex_};
    std::vector<Transition> changes;
    auto it = std::upper_bound(history_.begin(), history_.end(), after,
                               [](std::int64_t value, const Transition& t) { return value < t.sequence; });
    for (; it != history_.end() && changes.size() < max; ++it) changes.push_back(*it);
    return changes;
}

std::int64_t MemoryLiveness::last_sequence() {
    std::lock_guard lock{mutex_};
    return last_sequence_;
}

std::int64_t MemoryLiveness::wait_for_change(std::int64_t after, std::chrono::milliseconds timeout) {
    std::unique_lock lock{mutex_};
    changed_.wait_for(lock, timeout, [&] { return last_sequence_ > after; });
    return last_sequence_;
}

bool MemoryLiveness::forget(const std::string& client_id) {
    std::lock_guard lock{mutex_};
    auto it = devices_.find(client_id);
    if (it == devices_.end() || it->second.status.online) return false;
    devices_.erase(it);
    std::erase_if(history_, [&](const Transition& t) { return t.client_id == client_id; });
    return true;
}

}  // namespace wg::liveness
