#pragma once
// The Wills the broker holds, keyed by client id (MQTT-WILLS.md).
//
// A Will is *held* while its network connection lives. When the connection ends
// without DISCONNECT it is *released*: it becomes pending until its delay (MQTT 5
// Will Delay Interval; 0 for 3.1/3.1.1) has elapsed, and take_due() hands it out
// exactly once. A DISCONNECT discards a held Will; a reconnect of the same client
// id cancels a pending one.
//
// Threading: owned by the broker; event-loop thread only. Time is passed in.

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "local_broker/codec/packet.h"

namespace wg::core {

class WillRegistry {
public:
    using time_point = std::chrono::steady_clock::time_point;

    struct DueWill {
        std::string client_id;
        codec::Will will;
    };

    // Holds `will` for the live connection of `client_id`, replacing any held one.
    void hold(const std::string& client_id, codec::Will will, std::chrono::seconds delay);

    // Drops the held Will of `client_id` (clean DISCONNECT). Returns true if there was one.
    bool discard(std::string_view client_id);

    // The connection ended abnormally: the held Will becomes due at now + delay,
    // or sooner when the session ends sooner (`session_left`; nullopt = never).
    // Returns true if a Will was held.
    bool release(std::string_view client_id, time_point now,
                 std::optional<std::chrono::seconds> session_left = std::nullopt);

    // The client reconnected: a pending Will that is not yet due is never published.
    bool cancel_pending(std::string_view client_id);

    // The client's session ended before the Will's delay did: returns the
    // pending Will, to be published now.
    std::optional<codec::Will> take_pending(std::string_view client_id);

    // Schedules a pending Will directly (one restored from the store at start-up).
    void schedule(const std::string& client_id, codec::Will will, time_point due);

    // When the pending Will of `client_id` is due, if there is one.
    std::optional<time_point> pending_due(std::string_view client_id) const;

    // Removes and returns every pending Will due at `now`, earliest first.
    std::vector<DueWill> take_due(time_point now);

    std::optional<time_point> next_due() const;
    bool holds(std::string_view client_id) const;
    std::size_t held_count() const { return held_.size(); }

private:
    struct Held {
        codec::Will will;
        std::chrono::seconds delay{0};
    };
    struct Pending {
        std::string client_id;
        codec::Will will;
    };

    std::unordered_map<std::string, Held> held_;
    std::multimap<time_point, Pending> pending_;
    std::unordered_map<std::string, std::multimap<time_point, Pending>::iterator> pending_by_client_;
};

}  // namespace wg::core
