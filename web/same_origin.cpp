#include "web/same_origin.h"

namespace wg::web {
namespace {

std::string lowered(std::string_view text) {
    std::string out{text};
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

}  // namespace

bool same_origin(const HttpRequest& request) {
    const std::string* host = request.header("Host");
    if (host == nullptr || host->empty()) {
        return false;
    }
    const std::string expected = (request.secure ? "https://" : "http://") + lowered(*host);
    if (const std::string* origin = request.header("Origin")) {
        return lowered(*origin) == expected;
    }
    if (const std::string* referer = request.header("Referer")) {
        const std::string lower = lowered(*referer);
        if (lower.size() == expected.size()) {
            return lower == expected;
        }
        if (lower.size() > expected.size() && lower.compare(0, expected.size(), expected) == 0) {
            const char next = lower[expected.size()];
            return next == '/' || next == '?' || next == '#';
        }
    }
    return false;
}

bool loopback_host(const HttpRequest& request) {
    const std::string* header = request.header("Host");
    if (header == nullptr) {
        return false;
    }
    std::string host = lowered(*header);
    if (host.starts_with("[")) {
        const std::size_t close = host.find(']');
        if (close == std::string::npos) {
            return false;
        }
        const std::string rest = host.substr(close + 1);
        if (!rest.empty() && rest.front() != ':') {
            return false;
        }
        return host.substr(1, close - 1) == "::1";
    }
    if (const std::size_t colon = host.find(':'); colon != std::string::npos) {
        host.resize(colon);
    }
    if (host == "localhost") {
        return true;
    }
    // 127.0.0.0/8 as a dotted quad.
    if (!host.starts_with("127.")) {
        return false;
    }
    int dots = 0;
    for (const char c : host) {
        if (c == '.') {
            ++dots;
        } else if (c < '0' || c > '9') {
            return false;
        }
    }
    return dots == 3;
}

}  // namespace wg::web
