#include "bridge/bridge_set.h"

namespace wg::bridge {

CloudBridge& BridgeSet::add(std::unique_ptr<CloudBridge> bridge) {
    bridges_.push_back(std::move(bridge));
    return *bridges_.back();
}

void BridgeSet::start() {
    for (auto& bridge : bridges_) bridge->start();
}

void BridgeSet::stop() {
    for (auto& bridge : bridges_) bridge->stop();
}

void BridgeSet::notify_committed(std::uint64_t sequence) {
    for (auto& bridge : bridges_) bridge->notify_committed(sequence);
}

std::vector<broker::BridgeStatus> BridgeSet::bridges() const {
    std::vector<broker::BridgeStatus> statuses;
    for (const auto& bridge : bridges_) statuses.push_back(bridge->status());
    return statuses;
}

}  // namespace wg::bridge
