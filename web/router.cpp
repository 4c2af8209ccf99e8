#include "web/router.h"

#include <algorithm>

#include "web/auth_routes.h"
#include "web/same_origin.h"
#include "web/static_assets.h"

namespace wg::web {
namespace {

bool changes_state(const std::string& method) { return method != "GET" && method != "HEAD"; }

bool matches(const std::vector<std::string>& pattern, const std::vector<std::string>& segments) {
    if (pattern.size() != segments.size()) {
        return false;
    }
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == "*" ? segments[i].empty() : pattern[i] != segments[i]) {
            return false;
        }
    }
    return true;
}

std::string allow_header(const std::vector<std::string>& methods) {
    std::string allow;
    for (const std::string& method : methods) {
        allow += (allow.empty() ? "" : ", ") + method;
        if (method == "GET") {
            allow += ", HEAD";
        }
    }
    return allow;
}

HttpResponse asset_response(const StaticAsset* asset) {
    if (asset == nullptr) {
        return error_response(404, "not found");
    }
    HttpResponse response;
    response.content_type = asset->content_type;
    response.body = std::string{asset->body()};
    return response;
}

}  // namespace

Router::Router(ApiContext api, Authenticator& auth, const WebSettings& settings)
    : api_{api}, auth_{auth}, settings_{settings} {
    routes_ = {
        {{}, {"GET"}, Access::Public, Handler::Page},
        {{"assets", "*"}, {"GET"}, Access::Public, Handler::Asset},
        {{"healthz"}, {"GET"}, Access::Public, Handler::Healthz},
        {{"metrics"}, {"GET"}, Access::Metrics, Handler::Metrics},
        {{"login"}, {"POST"}, Access::Public, Handler::Login},
        {{"logout"}, {"POST"}, Access::Login, Handler::Logout},
        {{"api", "session"}, {"GET"}, Access::Public, Handler::Session},
        {{"api", "devices"}, {"GET"}, Access::Login, Handler::Devices},
        {{"api", "devices", "*"}, {"GET", "DELETE"}, Access::Login, Handler::Device},
        {{"api", "devices", "*", "history"}, {"GET"}, Access::Login, Handler::History},
        {{"api", "broker"}, {"GET"}, Access::Login, Handler::Broker},
        {{"api", "events"}, {"GET"}, Access::Login, Handler::Events},
    };
}

void Router::add_common_headers(HttpResponse& response, bool cacheable) {
    response.set_header("X-Content-Type-Options", "nosniff");
    response.set_header("X-Frame-Options", "DENY");
    response.set_header("Referrer-Policy", "same-origin");
    response.set_header("Content-Security-Policy",
                        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                        "form-action 'self'; frame-ancestors 'none'");
    response.set_header("Cache-Control", cacheable ? "no-cache" : "no-store");
}

bool Router::is_event_stream(const HttpRequest& request) {
    const std::string_view target{request.target};
    const std::string_view path = target.substr(0, target.find('?'));
    return path == "/api/events" && (request.method == "GET" || request.method == "HEAD");
}

std::optional<HttpResponse> Router::screen(const HttpRequest& request, const RequestTarget& target,
                                           const Route*& route) {
    if (auth_.open() && !loopback_host(request)) {
        return error_response(403, "the dashboard without users answers only to a loopback Host");
    }
    const auto found = std::find_if(routes_.begin(), routes_.end(),
                                    [&](const Route& r) { return matches(r.pattern, target.segments); });
    if (found == routes_.end()) {
        return error_response(404, "not found");
    }
    route = &*found;
    const std::string& method = request.method == "HEAD" ? std::string{"GET"} : request.method;
    if (std::find(route->methods.begin(), route->methods.end(), method) == route->methods.end()) {
        HttpResponse response = error_response(405, "method not allowed");
        response.set_header("Allow", allow_header(route->methods));
        return response;
    }
    const bool state_changing = changes_state(method);
    if (state_changing && !same_origin(request)) {
        return error_response(403, "cross-site request refused (Origin does not match Host)");
    }
    if (route->access == Access::Public) {
        return std::nullopt;
    }
    const auto session = auth_.session(request);
    if (route->access == Access::Metrics && !session && !settings_.public_metrics) {
        const LoginOutcome outcome = auth_.basic_auth(request);
        if (outcome.result == LoginOutcome::Result::Throttled) {
            HttpResponse response = error_response(429, "too many failed logins; try again later");
            response.set_header("Retry-After", std::to_string(outcome.retry_after.count()));
            return response;
        }
        if (outcome.result != LoginOutcome::Result::Ok) {
            return unauthorized(*route);
        }
        return std::nullopt;
    }
    if (route->access == Access::Login && !session) {
        return unauthorized(*route);
    }
    if (state_changing) {
        const std::string* token = request.header("X-CSRF-Token");
        if (token == nullptr || !Authenticator::token_matches(*session, *token)) {
            return error_response(403, "missing or wrong X-CSRF-Token");
        }
    }
    return std::nullopt;
}

HttpResponse Router::unauthorized(const Route& route) const {
    HttpResponse response = error_response(401, "login required");
    if (route.access == Access::Metrics) {
        response.set_header("WWW-Authenticate", "Basic realm=\"willgate\", charset=\"UTF-8\"");
    }
    return response;
}

HttpResponse Router::run(const Route& route, const HttpRequest& request, const RequestTarget& target) {
    switch (route.handler) {
        case Handler::Page:
            return asset_response(find_static_asset("/"));
        case Handler::Asset:
            return asset_response(find_static_asset(target.path));
        case Handler::Healthz:
            return healthz();
        case Handler::Metrics:
            return metrics(api_);
        case Handler::Login:
            return login(auth_, request);
        case Handler::Logout:
            return logout(auth_, request);
        case Handler::Session:
            return session_info(auth_, request);
        case Handler::Devices:
            return list_devices(api_);
        case Handler::Device:
            return request.method == "DELETE" ? forget_device(api_, target.segments[2])
                                              : get_device(api_, target.segments[2]);
        case Handler::History:
            return device_history(api_, target.segments[2], target.query);
        case Handler::Broker:
            return broker_status(api_);
        case Handler::Events:
            break;
    }
    return error_response(500, "the event stream is not served here");
}

HttpResponse Router::handle(const HttpRequest& request) {
    HttpResponse response;
    bool cacheable = false;
    if (request.target.size() > settings_.max_target_length) {
        response = error_response(414, "request-target too long");
    } else if (const auto target = parse_request_target(request.target); !target) {
        response = error_response(400, "malformed request-target");
    } else {
        const Route* route = nullptr;
        if (auto refusal = screen(request, *target, route)) {
            response = std::move(*refusal);
        } else {
            response = run(*route, request, *target);
            cacheable = (route->handler == Handler::Page || route->handler == Handler::Asset) &&
                        response.status == 200;
        }
    }
    add_common_headers(response, cacheable);
    return response;
}

std::optional<HttpResponse> Router::admit_event_stream(const HttpRequest& request) {
    std::optional<HttpResponse> refusal;
    if (const auto target = parse_request_target(request.target); !target) {
        refusal = error_response(400, "malformed request-target");
    } else {
        const Route* route = nullptr;
        refusal = screen(request, *target, route);
    }
    if (refusal) {
        add_common_headers(*refusal);
    }
    return refusal;
}

}  // namespace wg::web
