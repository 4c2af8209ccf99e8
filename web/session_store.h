// Logged-in dashboard sessions: a random 32-byte id (the cookie) -> the user and the session's
// CSRF token. A session ends at logout, or after kIdleTimeout without a request. At most
// `capacity` sessions exist; a new one beyond that replaces the least recently used.
//
// Threading: every member may be called from any thread (one mutex).
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/clock.h"

namespace wg::web {

struct Session {
    std::string id;
    std::string user;
    std::string csrf_token;
};

class SessionStore {
public:
    static constexpr std::chrono::hours kIdleTimeout{12};

    explicit SessionStore(const Clock& clock, std::size_t capacity = 256);

    Session create(const std::string& user);
    // The live session with this id (and marks it used), or nullopt.
    std::optional<Session> find(const std::string& id);
    void remove(const std::string& id);
    std::size_t size() const;

private:
    struct Entry {
        Session session;
        Clock::time_point last_used;
    };

    const Clock& clock_;
    const std::size_t capacity_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Entry> sessions_;
};

}  // namespace wg::web
