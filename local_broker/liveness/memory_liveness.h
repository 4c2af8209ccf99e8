#pragma once
// Device liveness kept in memory, for a gateway without a database
// (storage.durability "none"): the same records as the store writes, the same
// reading side, lost when the gateway stops. Costs memory per device, which is
// why the store is the default home of liveness.
//
// Threading: the LivenessPersistence calls come from the broker's event-loop
// thread, the LivenessReader calls from any thread; one mutex guards the
// state, held for an update or a copy.

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>

#include "local_broker/liveness/liveness_persistence.h"
#include "willgate/liveness.h"

namespace wg::liveness {

class MemoryLiveness final : public LivenessPersistence, public LivenessReader {
public:
    explicit MemoryLiveness(HistoryRetention retention = {}) : retention_{retention} {}

    void device_connected(const DeviceConnection& connection) override;
    void device_disconnected(const DeviceDisconnection& disconnection) override;
    void device_activity(const DeviceActivity& activity) override;
    void device_will_published(const DeviceWill& will) override;

    std::vector<DeviceStatus> devices() override;
    std::optional<DeviceStatus> device(const std::string& client_id) override;
    std::vector<Transition> history(const std::string& client_id, std::int64_t from_ms) override;
    std::vector<Transition> changes_after(std::int64_t after, std::size_t max) override;
    std::int64_t last_sequence() override;
    std::int64_t wait_for_change(std::int64_t after, std::chrono::milliseconds timeout) override;
    bool forget(const std::string& client_id) override;

private:
    struct Entry {
        DeviceStatus status;
        DeviceCounters base;  // totals when the current connection began
    };
    // With mutex_ held.
    void record(Transition transition);
    void apply_counters(Entry& entry, const DeviceCounters& counters);

    HistoryRetention retention_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::map<std::string, Entry, std::less<>> devices_;
    std::deque<Transition> history_;  // oldest first
    std::int64_t last_sequence_ = 0;
};

}  // namespace wg::liveness
