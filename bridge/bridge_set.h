#pragma once
// The gateway's bridges together: started and stopped as one, told of store
// commits as one, and read by the dashboard through willgate/bridge_status.h.
//
// Threading: add() before start(); bridges() and notify_committed() from any thread.

#include <memory>
#include <vector>

#include "bridge/cloud_bridge.h"
#include "willgate/bridge_status.h"

namespace wg::bridge {

class BridgeSet final : public broker::BridgeStatusSource {
public:
    CloudBridge& add(std::unique_ptr<CloudBridge> bridge);
    bool empty() const { return bridges_.empty(); }

    void start();
    void stop();
    void notify_committed(std::uint64_t sequence);

    std::vector<broker::BridgeStatus> bridges() const override;

private:
    std::vector<std::unique_ptr<CloudBridge>> bridges_;
};

}  // namespace wg::bridge
