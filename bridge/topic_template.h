#pragma once
// A remote topic template of a forward rule: literal text with {topic} (the
// whole local topic) and {1}, {2}, ... (the levels the filter's wildcards
// matched, in order). Prefixing is "cloud/site1/{topic}"; stripping a prefix is
// "{1}" with the local filter "site1/#". Pure.

#include <string>
#include <string_view>
#include <vector>

namespace wg::bridge {

class TopicTemplate {
public:
    // `text` has passed config's check_remote_template(); an unknown
    // placeholder is kept as literal text.
    explicit TopicTemplate(std::string_view text);

    std::string render(std::string_view topic, const std::vector<std::string>& captures) const;

private:
    struct Part {
        std::string literal;
        int capture = -1;  // -1: literal; 0: {topic}; N: {N}
    };
    std::vector<Part> parts_;
};

// `text` with every `placeholder` replaced by `value` (the {client_id} and
// {request_id} templates of liveness and cloud profiles).
std::string replace_all(std::string text, std::string_view placeholder, std::string_view value);

}  // namespace wg::bridge
