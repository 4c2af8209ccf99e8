#pragma once
// A bridge's downlink rules: which cloud messages come down to the local
// broker, and under which local topic. Each rule subscribes to `remote` (a
// topic filter on the cloud) with QoS `qos`; a message that arrives is
// published locally on the `local` template ({topic}: the cloud topic; {1},
// {2}, ...: the levels the filter's wildcards matched), with its QoS capped at
// `qos` and its RETAIN flag kept only if `retain`. The first rule whose filter
// matches wins. Pure.
//
// The mapping is a forward rule's in the other direction (forward_rules.h).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bridge/forward_rules.h"

namespace wg::bridge {

struct DownlinkRuleSettings {
    std::string remote;              // topic filter on the cloud
    std::string local = "{topic}";   // local topic template
    std::uint8_t qos = 1;            // subscription QoS, and cap
    bool retain = false;             // keep the cloud message's RETAIN flag
};

class DownlinkRules {
public:
    explicit DownlinkRules(const std::vector<DownlinkRuleSettings>& rules);

    // nullopt: no rule matches (a message of a subscription the cloud kept from
    // an earlier configuration), or the template made an empty topic.
    std::optional<Forward> match(std::string_view cloud_topic, std::uint8_t qos, bool retain) const {
        return mapping_.match(cloud_topic, qos, retain);
    }

    const std::vector<DownlinkRuleSettings>& rules() const { return rules_; }
    bool empty() const { return rules_.empty(); }

private:
    std::vector<DownlinkRuleSettings> rules_;
    ForwardRules mapping_;
};

}  // namespace wg::bridge
