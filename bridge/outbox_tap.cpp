#include "bridge/outbox_tap.h"

#include "bridge/cloud_profile.h"

namespace wg::bridge {

OutboxTap::OutboxTap(std::string bridge, ForwardRules rules, broker::OutboxWriter& outbox, const Clock& clock,
                     const CloudProfile* profile)
    : bridge_{std::move(bridge)}, rules_{std::move(rules)}, outbox_{outbox}, clock_{clock}, profile_{profile} {}

bool OutboxTap::offer(const broker::TappedMessage& message) {
    if (profile_ != nullptr) {
        if (auto translated = profile_->translate(message, wall_ms(clock_))) {
            outbox_.outbox_append(bridge_, std::move(*translated));
            queued_.fetch_add(1, std::memory_order_relaxed);
            return true;
        }
    }
    auto forward = rules_.match(message.topic, message.qos, message.retain);
    if (!forward) return false;
    const std::int64_t now_ms = wall_ms(clock_);
    outbox_.outbox_append(bridge_, broker::OutboxEntry{std::move(forward->topic), message.payload, forward->qos,
                                                       forward->retain, now_ms});
    queued_.fetch_add(1, std::memory_order_relaxed);
    return true;
}

}  // namespace wg::bridge
