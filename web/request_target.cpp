#include "web/request_target.h"

#include "web/text_encoding.h"

namespace wg::web {

std::optional<RequestTarget> parse_request_target(std::string_view target) {
    if (target.empty() || target.front() != '/') {
        return std::nullopt;
    }
    RequestTarget result;
    const std::size_t question = target.find('?');
    const std::string_view path = target.substr(0, question);
    result.path = std::string{path};
    std::string_view rest = path.substr(1);
    if (!rest.empty()) {
        while (true) {
            const std::size_t slash = rest.find('/');
            auto segment = percent_decode(rest.substr(0, slash));
            if (!segment) {
                return std::nullopt;
            }
            result.segments.push_back(std::move(*segment));
            if (slash == std::string_view::npos) {
                break;
            }
            rest.remove_prefix(slash + 1);
        }
    }
    if (question == std::string_view::npos) {
        return result;
    }
    std::string_view query = target.substr(question + 1);
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        const std::size_t equals = pair.find('=');
        auto name = form_decode(pair.substr(0, equals));
        auto value = form_decode(equals == std::string_view::npos ? std::string_view{} : pair.substr(equals + 1));
        if (!name || !value) {
            return std::nullopt;
        }
        if (!name->empty()) {
            result.query.emplace(std::move(*name), std::move(*value));
        }
        if (amp == std::string_view::npos) {
            break;
        }
        query.remove_prefix(amp + 1);
    }
    return result;
}

}  // namespace wg::web
