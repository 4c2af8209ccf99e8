#include "web/session_store.h"

#include <algorithm>

#include "web/secure_random.h"

namespace wg::web {

SessionStore::SessionStore(const Clock& clock, std::size_t capacity)
    : clock_{clock}, capacity_{std::max<std::size_t>(capacity, 1)} {}

Session SessionStore::create(const std::string& user) {
    Session session{random_token(32), user, random_token(32)};
    const Clock::time_point now = clock_.now();
    const std::lock_guard lock{mutex_};
    std::erase_if(sessions_, [now](const auto& item) { return now - item.second.last_used > kIdleTimeout; });
    if (sessions_.size() >= capacity_) {
        const auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](const auto& a, const auto& b) {
            return a.second.last_used < b.second.last_used;
        });
        sessions_.erase(oldest);
    }
    sessions_.emplace(session.id, Entry{session, now});
    return session;
}

std::optional<Session> SessionStore::find(const std::string& id) {
    const Clock::time_point now = clock_.now();
    const std::lock_guard lock{mutex_};
    const auto found = sessions_.find(id);
    if (found == sessions_.end()) {
        return std::nullopt;
    }
    if (now - found->second.last_used > kIdleTimeout) {
        sessions_.erase(found);
        return std::nullopt;
    }
    found->second.last_used = now;
    return found->second.session;
}

void SessionStore::remove(const std::string& id) {
    const std::lock_guard lock{mutex_};
    sessions_.erase(id);
}

std::size_t SessionStore::size() const {
    const std::lock_guard lock{mutex_};
    return sessions_.size();
}

}  // namespace wg::web
