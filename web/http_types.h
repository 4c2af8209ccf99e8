// The web module's own view of an HTTP exchange, independent of POCO, so the routes can be
// tested without sockets: web/poco_handler.cpp turns POCO's request into an HttpRequest and
// an HttpResponse back into POCO's response.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wg::web {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
    std::string method;  // "GET", "POST", ...
    std::string target;  // the raw request-target: "/api/devices/a%2Fb/history?from=0"
    HeaderList headers;  // as received
    std::string body;
    std::string peer_address;  // the client's IP address, without the port
    bool secure = false;       // arrived over TLS

    // The first header called `name` (case-insensitive), or nullptr.
    const std::string* header(std::string_view name) const;
};

struct HttpResponse {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    HeaderList headers;
    bool close = false;  // close the connection after this response

    void set_header(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
    // The first header called `name` (case-insensitive), or nullptr.
    const std::string* header(std::string_view name) const;
};

HttpResponse json_response(int status, std::string body);
// {"error": message}
HttpResponse error_response(int status, std::string_view message);

bool equals_ignoring_case(std::string_view a, std::string_view b);

}  // namespace wg::web
