#pragma once
// A bridge's forward rules: which local messages go to the cloud, under which
// topic, QoS and RETAIN flag. The first rule whose filter matches wins. Pure.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bridge/topic_template.h"

namespace wg::bridge {

struct ForwardRuleSettings {
    std::string local;  // topic filter
    std::string remote = "{topic}";
    std::uint8_t qos = 1;  // cap
    bool retain = true;    // keep the message's RETAIN flag
};

struct Forward {
    std::string topic;
    std::uint8_t qos = 0;
    bool retain = false;
};

class ForwardRules {
public:
    explicit ForwardRules(const std::vector<ForwardRuleSettings>& rules);

    // nullopt: no rule matches, or the template made an empty topic.
    std::optional<Forward> match(std::string_view topic, std::uint8_t qos, bool retain) const;

private:
    struct Rule {
        ForwardRuleSettings settings;
        TopicTemplate remote;
    };
    std::vector<Rule> rules_;
};

}  // namespace wg::bridge
