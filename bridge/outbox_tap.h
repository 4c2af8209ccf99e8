#pragma once
// The bridge's side of the message tap (willgate/message_tap.h): a routed
// message that the bridge's cloud profile translates (cloud_profile.h), or else
// one of its forward rules matches, is queued for the outbox, mapped to its
// remote topic, through the store's writer (willgate/outbox.h). Nothing else
// happens on the broker's thread.
//
// Threading: offer() on the broker's event-loop thread; the counters from any thread.

#include <atomic>
#include <cstdint>
#include <string>

#include "common/clock.h"

#include "bridge/forward_rules.h"

namespace wg::bridge {
class CloudProfile;
}
#include "willgate/message_tap.h"
#include "willgate/outbox.h"

namespace wg::bridge {

class OutboxTap final : public broker::MessageTap {
public:
    // `clock` stamps each row with the time it was queued.
    // `profile` (may be null) outlives the tap.
    OutboxTap(std::string bridge, ForwardRules rules, broker::OutboxWriter& outbox, const Clock& clock,
              const CloudProfile* profile = nullptr);

    bool offer(const broker::TappedMessage& message) override;

    std::uint64_t queued() const { return queued_.load(std::memory_order_relaxed); }

private:
    std::string bridge_;
    ForwardRules rules_;
    broker::OutboxWriter& outbox_;
    const Clock& clock_;
    const CloudProfile* profile_;
    std::atomic<std::uint64_t> queued_{0};
};

}  // namespace wg::bridge
