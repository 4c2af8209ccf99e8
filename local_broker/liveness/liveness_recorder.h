#pragma once
// The broker side of the liveness registry: observes connection and Will
// events and writes each change of a device through to the persistence, with
// the wall-clock time it happened.
//
// It keeps nothing per device in memory: the devices and their history live in
// the database (the store), which also answers readers (willgate/liveness.h),
// so a gateway with ten thousand idle devices spends no memory on them here.
//
// Threading: the broker's event-loop thread, like every ConnectionObserver.

#include "common/clock.h"
#include "local_broker/liveness/liveness_persistence.h"
#include "willgate/connection_events.h"

namespace wg::liveness {

class LivenessRecorder final : public broker::ConnectionObserver {
public:
    LivenessRecorder(const Clock& clock, LivenessPersistence& persistence)
        : clock_{clock}, persistence_{persistence} {}

    void on_connected(const broker::ConnectedEvent& event) override;
    void on_disconnected(const broker::DisconnectedEvent& event) override;
    void on_will_published(const broker::WillPublishedEvent& event) override;
    void on_activity(const broker::ActivityEvent& event) override;

private:
    std::int64_t now_ms() const;

    const Clock& clock_;
    LivenessPersistence& persistence_;
};

}  // namespace wg::liveness
