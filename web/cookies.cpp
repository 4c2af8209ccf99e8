#include "web/cookies.h"

namespace wg::web {
namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

std::string attributes(bool secure) {
    return std::string{"; Path=/; HttpOnly; SameSite=Strict"} + (secure ? "; Secure" : "");
}

}  // namespace

std::map<std::string, std::string> parse_cookie_header(std::string_view header) {
    std::map<std::string, std::string> cookies;
    while (!header.empty()) {
        const std::size_t semicolon = header.find(';');
        const std::string_view pair = trim(header.substr(0, semicolon));
        const std::size_t equals = pair.find('=');
        if (equals != std::string_view::npos) {
            const std::string_view name = trim(pair.substr(0, equals));
            std::string_view value = trim(pair.substr(equals + 1));
            if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
                value = value.substr(1, value.size() - 2);
            }
            if (!name.empty()) {
                cookies.emplace(std::string{name}, std::string{value});
            }
        }
        if (semicolon == std::string_view::npos) {
            break;
        }
        header.remove_prefix(semicolon + 1);
    }
    return cookies;
}

std::string session_cookie(std::string_view id, bool secure) {
    return std::string{kSessionCookie} + "=" + std::string{id} + attributes(secure);
}

std::string cleared_session_cookie(bool secure) {
    return std::string{kSessionCookie} + "=" + attributes(secure) + "; Max-Age=0";
}

}  // namespace wg::web
