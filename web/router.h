// Maps a request to its route and applies the rules every route shares, in this order:
//
//   414  request-target longer than settings.max_target_length
//   400  request-target that cannot be parsed
//   403  open dashboard (no users) reached through a Host that is not loopback
//   404  no route; 405 (with Allow) a route without this method
//   403  POST/PUT/DELETE whose Origin/Referer is not this server (web/same_origin.h)
//   401  a route that needs a login, without a valid session (JSON body)
//   403  POST/PUT/DELETE other than /login without the session's X-CSRF-Token
//
// then calls the route. Every response gets the security headers (add_common_headers).
//
// Threading: handle() is called on the server's pool threads, concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "web/api_routes.h"
#include "web/authenticator.h"
#include "web/http_types.h"
#include "web/request_target.h"
#include "web/web_settings.h"

namespace wg::web {

class Router {
public:
    Router(ApiContext api, Authenticator& auth, const WebSettings& settings);

    HttpResponse handle(const HttpRequest& request);

    // GET /api/events is a stream, run by the caller (web/sse_stream.h) once admitted.
    static bool is_event_stream(const HttpRequest& request);
    // nullopt when the stream may start; otherwise the refusal (401, 403, ...).
    std::optional<HttpResponse> admit_event_stream(const HttpRequest& request);

    // X-Content-Type-Options, X-Frame-Options, Content-Security-Policy, Referrer-Policy and
    // Cache-Control: no-store (except for the page's assets).
    static void add_common_headers(HttpResponse& response, bool cacheable = false);

private:
    enum class Access { Public, Login, Metrics };
    enum class Handler { Page, Asset, Healthz, Metrics, Login, Logout, Session, Devices, Device, History, Broker, Events };

    struct Route {
        std::vector<std::string> pattern;  // "*" matches any one segment
        std::vector<std::string> methods;
        Access access;
        Handler handler;
    };

    // The response that ends the request before its route runs, if any.
    std::optional<HttpResponse> screen(const HttpRequest& request, const RequestTarget& target, const Route*& route);
    HttpResponse run(const Route& route, const HttpRequest& request, const RequestTarget& target);
    HttpResponse unauthorized(const Route& route) const;

    ApiContext api_;
    Authenticator& auth_;
    const WebSettings& settings_;
    std::vector<Route> routes_;
};

}  // namespace wg::web
