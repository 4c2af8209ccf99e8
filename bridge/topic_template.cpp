#include "bridge/topic_template.h"

#include <charconv>

namespace wg::bridge {

TopicTemplate::TopicTemplate(std::string_view text) {
    std::string literal;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const std::size_t close = text[i] == '{' ? text.find('}', i) : std::string_view::npos;
        if (close == std::string_view::npos) {
            literal.push_back(text[i]);
            continue;
        }
        const std::string_view name = text.substr(i + 1, close - i - 1);
        int capture = -1;
        if (name == "topic") {
            capture = 0;
        } else {
            int index = 0;
            const auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), index);
            if (!name.empty() && error == std::errc{} && end == name.data() + name.size() && index >= 1) capture = index;
        }
        if (capture < 0) {
            literal.push_back(text[i]);
            continue;
        }
        if (!literal.empty()) parts_.push_back(Part{std::move(literal), -1});
        literal.clear();
        parts_.push_back(Part{{}, capture});
        i = close;
    }
    if (!literal.empty()) parts_.push_back(Part{std::move(literal), -1});
}

std::string TopicTemplate::render(std::string_view topic, const std::vector<std::string>& captures) const {
    std::string out;
    for (const Part& part : parts_) {
        if (part.capture < 0) out += part.literal;
        else if (part.capture == 0) out += topic;
        else if (static_cast<std::size_t>(part.capture) <= captures.size()) out += captures[static_cast<std::size_t>(part.capture) - 1];
    }
    return out;
}

std::string replace_all(std::string text, std::string_view placeholder, std::string_view value) {
    for (std::size_t at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder, at + value.size()))
        text.replace(at, placeholder.size(), value);
    return text;
}

}  // namespace wg::bridge
