#pragma once
// MQTT topic-filter matching for the bridge's forward rules, with the levels
// the wildcards matched (pure: no state, no threads).
//
// match_filter("sensors/+/temp", "sensors/k1/temp") -> {"k1"}
// match_filter("site/#", "site/a/b")                -> {"a/b"}
// match_filter("site/#", "site")                    -> {""}  (# also matches the parent)
// A filter starting with a wildcard does not match a topic starting with '$'
// (MQTT-4.7.2-1), so "#" never forwards $SYS.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wg::bridge {

std::optional<std::vector<std::string>> match_filter(std::string_view filter, std::string_view topic);

}  // namespace wg::bridge
