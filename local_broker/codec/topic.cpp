#include "local_broker/codec/topic.h"

#include <cstddef>
#include <cstdint>

namespace wg::codec {

namespace {

constexpr std::size_t kMaxTopicLength = 65'535;

constexpr bool is_continuation(std::uint8_t byte) { return (byte & 0xC0U) == 0x80U; }

// Splits off the level of `text` that starts at `pos`: returns it, moves `pos`
// past the following '/', and sets `last` when no '/' follows.
std::string_view next_level(std::string_view text, std::size_t& pos, bool& last) {
    const std::size_t slash = text.find('/', pos);
    if (slash == std::string_view::npos) {
        last = true;
        const std::string_view level = text.substr(pos);
        pos = text.size();
        return level;
    }
    const std::string_view level = text.substr(pos, slash - pos);
    pos = slash + 1;
    return level;
}

bool check_utf8(std::string_view text, bool allow_nul) {
    const std::size_t size = text.size();
    std::size_t i = 0;
    while (i < size) {
        const auto lead = static_cast<std::uint8_t>(text[i]);
        if (lead < 0x80U) {
            if (lead == 0 && !allow_nul) return false;  // U+0000 is forbidden (spec 1.5.3)
            ++i;
            continue;
        }
        // Lead byte: how many continuation bytes follow, and the allowed range
        // of the first of them (excludes overlongs, surrogates, > U+10FFFF).
        std::size_t extra = 0;
        std::uint8_t low = 0x80U;
        std::uint8_t high = 0xBFU;
        if (lead >= 0xC2U && lead <= 0xDFU) {
            extra = 1;
        } else if (lead >= 0xE0U && lead <= 0xEFU) {
            extra = 2;
            if (lead == 0xE0U) low = 0xA0U;   // overlong 3-byte
            if (lead == 0xEDU) high = 0x9FU;  // U+D800..U+DFFF surrogates
        } else if (lead >= 0xF0U && lead <= 0xF4U) {
            extra = 3;
            if (lead == 0xF0U) low = 0x90U;   // overlong 4-byte
            if (lead == 0xF4U) high = 0x8FU;  // above U+10FFFF
        } else {
            return false;  // stray continuation, C0/C1 overlong, F5..FF (5/6-byte forms)
        }
        if (size - i <= extra) return false;  // truncated sequence
        const auto first = static_cast<std::uint8_t>(text[i + 1]);
        if (first < low || first > high) return false;
        for (std::size_t k = 2; k <= extra; ++k) {
            if (!is_continuation(static_cast<std::uint8_t>(text[i + k]))) return false;
        }
        i += extra + 1;
    }
    return true;
}

}  // namespace

bool is_valid_utf8(std::string_view text) { return check_utf8(text, false); }

bool is_well_formed_utf8(std::string_view text) { return check_utf8(text, true); }

bool is_valid_topic_name(std::string_view topic) {
    if (topic.empty() || topic.size() > kMaxTopicLength) return false;
    if (topic.find_first_of("+#") != std::string_view::npos) return false;
    return is_valid_utf8(topic);
}

bool is_valid_topic_filter(std::string_view filter) {
    if (filter.empty() || filter.size() > kMaxTopicLength) return false;
    if (!is_valid_utf8(filter)) return false;
    std::size_t pos = 0;
    bool last = false;
    while (!last) {
        const std::string_view level = next_level(filter, pos, last);
        if (level.find('+') != std::string_view::npos && level != "+") return false;
        if (level.find('#') != std::string_view::npos && (level != "#" || !last)) return false;
    }
    return true;
}

bool topic_matches(std::string_view filter, std::string_view topic) {
    // Spec 4.7.2: a leading wildcard does not reach into '$' topics.
    if (!topic.empty() && topic.front() == '$' && !filter.empty() &&
        (filter.front() == '+' || filter.front() == '#')) {
        return false;
    }
    std::size_t filter_pos = 0;
    std::size_t topic_pos = 0;
    bool filter_done = false;
    bool topic_done = false;
    while (!filter_done) {
        const std::string_view filter_level = next_level(filter, filter_pos, filter_done);
        // '#' matches the parent level and any number of child levels.
        if (filter_level == "#") return true;
        if (topic_done) return false;
        const std::string_view topic_level = next_level(topic, topic_pos, topic_done);
        if (filter_level != "+" && filter_level != topic_level) return false;
    }
    return topic_done;
}

}  // namespace wg::codec
