#include "bridge/forward_rules.h"

#include <algorithm>

#include "bridge/topic_filter.h"

namespace wg::bridge {

ForwardRules::ForwardRules(const std::vector<ForwardRuleSettings>& rules) {
    for (const auto& rule : rules) rules_.push_back(Rule{rule, TopicTemplate{rule.remote}});
}

std::optional<Forward> ForwardRules::match(std::string_view topic, std::uint8_t qos, bool retain) const {
    for (const Rule& rule : rules_) {
        const auto captures = match_filter(rule.settings.local, topic);
        if (!captures) continue;
        std::string remote = rule.remote.render(topic, *captures);
        if (remote.empty()) return std::nullopt;
        return Forward{std::move(remote), std::min(qos, rule.settings.qos), retain && rule.settings.retain};
    }
    return std::nullopt;
}

}  // namespace wg::bridge
