#pragma once
// How a bridge tells its cloud about device liveness: the outbox messages for
// a batch of changes from the liveness registry's change stream. The generic
// format is one message per change (below); cloud profiles have their own
// (a Device Shadow update, a sub-device status event).
//
// Threading: format() runs on the bridge's liveness feed thread only.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "willgate/liveness.h"
#include "willgate/outbox.h"

namespace wg::bridge {

class LivenessFormat {
public:
    virtual ~LivenessFormat() = default;
    // The messages for `changes` (oldest first), stamped `now_ms`; `reader`
    // answers questions about a device (its last Will, say).
    virtual std::vector<broker::OutboxEntry> format(std::span<const liveness::Transition> changes,
                                                    liveness::LivenessReader& reader, std::int64_t now_ms) = 0;
};

// [bridge.liveness]: each change as one message on `topic` ({client_id} is the
// device's client id as one topic level, common/device_status_text.h), with
// the device status JSON of the local $SYS/willgate/devices/+/status topics.
struct LivenessSettings {
    std::string topic;  // template; empty: no liveness messages
    std::uint8_t qos = 1;
    bool retain = true;
};

class GenericLivenessFormat final : public LivenessFormat {
public:
    explicit GenericLivenessFormat(LivenessSettings settings);

    std::vector<broker::OutboxEntry> format(std::span<const liveness::Transition> changes,
                                            liveness::LivenessReader& reader, std::int64_t now_ms) override;

    std::string topic_of(std::string_view client_id) const;

private:
    LivenessSettings settings_;
};

}  // namespace wg::bridge
