#include "bridge/downlink_rules.h"

namespace wg::bridge {
namespace {

std::vector<ForwardRuleSettings> as_mapping(const std::vector<DownlinkRuleSettings>& rules) {
    std::vector<ForwardRuleSettings> mapping;
    mapping.reserve(rules.size());
    for (const auto& rule : rules) mapping.push_back(ForwardRuleSettings{rule.remote, rule.local, rule.qos, rule.retain});
    return mapping;
}

}  // namespace

DownlinkRules::DownlinkRules(const std::vector<DownlinkRuleSettings>& rules)
    : rules_{rules}, mapping_{as_mapping(rules)} {}

}  // namespace wg::bridge
