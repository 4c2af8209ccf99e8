// TEMPORARY stand-ins for the liveness registry and the broker's figures, so that the
// dashboard can run before they exist. They are replaced when the liveness registry
// (local_broker/liveness) and the real BrokerStatusSource land; delete this file then.
//
//   PlaceholderLivenessReader: knows no devices and no changes.
//   PlaceholderStatusSource: the version and start time, every figure zero.
//
// Threading: both may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "willgate/broker_status.h"
#include "willgate/liveness.h"

namespace wg::gateway {

class PlaceholderLivenessReader final : public liveness::LivenessReader {
public:
    std::vector<liveness::DeviceStatus> devices() override { return {}; }
    std::optional<liveness::DeviceStatus> device(const std::string&) override { return std::nullopt; }
    std::vector<liveness::Transition> history(const std::string&, std::int64_t) override { return {}; }
    std::vector<liveness::Transition> changes_after(std::int64_t, std::size_t) override { return {}; }
    std::int64_t last_sequence() override { return 0; }
    // Nothing ever changes: waits out the timeout.
    std::int64_t wait_for_change(std::int64_t after, std::chrono::milliseconds timeout) override;
    bool forget(const std::string&) override { return false; }
};

class PlaceholderStatusSource final : public broker::BrokerStatusSource {
public:
    PlaceholderStatusSource(std::string version, std::int64_t started_ms)
        : version_{std::move(version)}, started_ms_{started_ms} {}
    broker::BrokerStatus status() const override;

private:
    std::string version_;
    std::int64_t started_ms_;
};

}  // namespace wg::gateway
