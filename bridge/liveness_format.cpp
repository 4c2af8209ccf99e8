#include "bridge/liveness_format.h"

#include "bridge/topic_template.h"
#include "common/device_status_text.h"

namespace wg::bridge {
namespace {

constexpr std::string_view kClientId = "{client_id}";

}  // namespace

GenericLivenessFormat::GenericLivenessFormat(LivenessSettings settings) : settings_{std::move(settings)} {}

std::string GenericLivenessFormat::topic_of(std::string_view client_id) const {
    return replace_all(settings_.topic, kClientId, topic_level_of(client_id));
}

std::vector<broker::OutboxEntry> GenericLivenessFormat::format(std::span<const liveness::Transition> changes,
                                                               liveness::LivenessReader&, std::int64_t now_ms) {
    std::vector<broker::OutboxEntry> entries;
    entries.reserve(changes.size());
    for (const liveness::Transition& change : changes) {
        entries.push_back(broker::OutboxEntry{
            topic_of(change.client_id),
            device_status_json(change.client_id, change.online, change.at_ms, change.online ? "" : change.cause,
                               change.online ? "" : change.reason, change.peer),
            settings_.qos, settings_.retain, now_ms});
    }
    return entries;
}

}  // namespace wg::bridge
