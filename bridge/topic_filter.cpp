#include "bridge/topic_filter.h"

namespace wg::bridge {
namespace {

// The next level of `text` from `position` (moved past it and its '/'); false at the end.
bool next_level(std::string_view text, std::size_t& position, bool& done, std::string_view& level) {
    if (done) return false;
    const std::size_t end = text.find('/', position);
    if (end == std::string_view::npos) {
        level = text.substr(position);
        done = true;
    } else {
        level = text.substr(position, end - position);
        position = end + 1;
    }
    return true;
}

}  // namespace

std::optional<std::vector<std::string>> match_filter(std::string_view filter, std::string_view topic) {
    if (topic.starts_with('$') && (filter.starts_with('+') || filter.starts_with('#'))) return std::nullopt;
    std::vector<std::string> captures;
    std::size_t filter_position = 0;
    std::size_t topic_position = 0;
    bool filter_done = false;
    bool topic_done = false;
    std::string_view filter_level;
    std::string_view topic_level;
    while (next_level(filter, filter_position, filter_done, filter_level)) {
        if (filter_level == "#") {
            captures.emplace_back(topic_done ? std::string_view{} : topic.substr(topic_position));
            return captures;
        }
        if (!next_level(topic, topic_position, topic_done, topic_level)) return std::nullopt;
        if (filter_level == "+") captures.emplace_back(topic_level);
        else if (filter_level != topic_level) return std::nullopt;
    }
    if (!topic_done) return std::nullopt;  // the topic has more levels
    return captures;
}

}  // namespace wg::bridge
