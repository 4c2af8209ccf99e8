// Slows down password guessing: failed logins are counted per key (the peer address and the
// user name are separate keys). From the kFreeFailures-th failure on, the key is locked for a
// period that doubles with every further failure (1 s, 2 s, 4 s, ... up to kMaxLock); a locked
// key is refused at once (429 with Retry-After) without checking the password, so no thread
// sleeps. A success clears the key. Entries expire kForget after their last failure.
//
// Memory is bounded: at most `capacity` keys; when full, expired entries go first, then the
// one whose last failure is oldest.
//
// Threading: every member may be called from any thread (one mutex).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/clock.h"

namespace wg::web {

class LoginThrottle {
public:
    static constexpr std::uint32_t kFreeFailures = 5;
    static constexpr std::chrono::seconds kFirstLock{1};
    static constexpr std::chrono::seconds kMaxLock{15 * 60};
    static constexpr std::chrono::hours kForget{24};

    explicit LoginThrottle(const Clock& clock, std::size_t capacity = 4096);

    // How long `key` must still wait; zero when it may try now.
    std::chrono::seconds retry_after(const std::string& key) const;
    void record_failure(const std::string& key);
    void record_success(const std::string& key);

    std::size_t size() const;

private:
    struct Entry {
        std::uint32_t failures = 0;
        Clock::time_point last_failure{};
        Clock::time_point locked_until{};
    };

    void make_room(Clock::time_point now);

    const Clock& clock_;
    const std::size_t capacity_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace wg::web
