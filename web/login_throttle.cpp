#include "web/login_throttle.h"

#include <algorithm>

namespace wg::web {

LoginThrottle::LoginThrottle(const Clock& clock, std::size_t capacity)
    : clock_{clock}, capacity_{std::max<std::size_t>(capacity, 1)} {}

std::chrono::seconds LoginThrottle::retry_after(const std::string& key) const {
    const Clock::time_point now = clock_.now();
    const std::lock_guard lock{mutex_};
    const auto found = entries_.find(key);
    if (found == entries_.end() || found->second.locked_until <= now) {
        return std::chrono::seconds{0};
    }
    // Rounded up: "Retry-After: 0" would invite an immediate retry that is still refused.
    return std::chrono::ceil<std::chrono::seconds>(found->second.locked_until - now);
}

void LoginThrottle::record_failure(const std::string& key) {
    const Clock::time_point now = clock_.now();
    const std::lock_guard lock{mutex_};
    auto found = entries_.find(key);
    if (found != entries_.end() && now - found->second.last_failure > kForget) {
        entries_.erase(found);
        found = entries_.end();
    }
    if (found == entries_.end()) {
        if (entries_.size() >= capacity_) {
            make_room(now);
        }
        found = entries_.emplace(key, Entry{}).first;
    }
    Entry& entry = found->second;
    entry.failures = std::min<std::uint32_t>(entry.failures + 1, 1000);
    entry.last_failure = now;
    if (entry.failures >= kFreeFailures) {
        const std::uint32_t doublings = std::min<std::uint32_t>(entry.failures - kFreeFailures, 20);
        const auto lock_for = std::min<std::chrono::seconds>(kFirstLock * (std::int64_t{1} << doublings), kMaxLock);
        entry.locked_until = now + lock_for;
    }
}

void LoginThrottle::record_success(const std::string& key) {
    const std::lock_guard lock{mutex_};
    entries_.erase(key);
}

std::size_t LoginThrottle::size() const {
    const std::lock_guard lock{mutex_};
    return entries_.size();
}

void LoginThrottle::make_room(Clock::time_point now) {
    std::erase_if(entries_, [now](const auto& item) {
        return item.second.locked_until <= now && now - item.second.last_failure > kMaxLock;
    });
    if (entries_.size() < capacity_) {
        return;
    }
    const auto oldest = std::min_element(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
        return a.second.last_failure < b.second.last_failure;
    });
    entries_.erase(oldest);
}

}  // namespace wg::web
