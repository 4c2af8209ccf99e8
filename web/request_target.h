// Splits a request-target into decoded path segments and query parameters.
//
// The path is split on '/' before percent-decoding, so "/api/devices/a%2Fb" has the segments
// "api", "devices", "a/b": a client id may contain any character. Nothing here touches the
// file system; static assets are looked up by exact name (web/static_assets.h).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wg::web {

struct RequestTarget {
    std::string path;                   // the raw path, before '?'
    std::vector<std::string> segments;  // decoded; "/" has none, "/a/" has "a" and ""
    std::map<std::string, std::string> query;  // decoded; the first value of a repeated name wins
};

// nullopt when the target does not start with '/' or has a bad percent escape.
std::optional<RequestTarget> parse_request_target(std::string_view target);

}  // namespace wg::web
