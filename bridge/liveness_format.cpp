#include "bridge/liveness_format.h"

#include "common/device_status_text.h"

namespace wg::bridge {
namespace {

constexpr std::string_view kClientId = "{client_id}";

}  // namespace

GenericLivenessFormat::GenericLivenessFormat(LivenessSettings settings) : settings_{std::move(settings)} {}

std::string GenericLivenessFormat::topic_of(std::string_view client_id) const {
    const std::string level = topic_level_of(client_id);
    std::string topic;
    std::string_view rest = settings_.topic;
    for (std::size_t at = rest.find(kClientId); at != std::string_view::npos; at = rest.find(kClientId)) {
        topic.append(rest.substr(0, at)).append(level);
        rest.remove_prefix(at + kClientId.size());
    }
    return topic.append(rest);
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
