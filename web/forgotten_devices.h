// Devices forgotten through DELETE /api/devices/{id}, for the open live streams.
//
// A forget leaves no entry in the liveness change stream (the device's history goes with
// it), so without this a page learnt of it only from its own DELETE: other open pages kept
// showing the device until reloaded. Each entry carries the change-stream sequence read just
// before the forget: a stream sends it after every transition up to that sequence and before
// any later one (the device may come back), and a stream that starts after sequence S sends
// the entries from S on. Only the newest kMaxEntries are kept, in memory.
//
// Threading: every function may be called from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace wg::web {

class ForgottenDevices {
public:
    static constexpr std::size_t kMaxEntries = 256;

    struct Entry {
        std::uint64_t id = 0;        // 1, 2, ... in the order of the forgets
        std::int64_t sequence = 0;   // the change stream's last sequence before the forget
        std::string client_id;
    };

    void add(std::string client_id, std::int64_t sequence);
    // Entries with an id above `after_id`, oldest first.
    std::vector<Entry> after(std::uint64_t after_id) const;
    // Entries with a sequence at or above `sequence`, oldest first.
    std::vector<Entry> from_sequence(std::int64_t sequence) const;
    // The newest id (0 before the first forget).
    std::uint64_t last_id() const;

private:
    mutable std::mutex mutex_;
    std::deque<Entry> entries_;
    std::uint64_t last_id_ = 0;
};

}  // namespace wg::web
