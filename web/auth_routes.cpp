#include "web/auth_routes.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <optional>

#include "web/cookies.h"
#include "web/json_writer.h"
#include "web/request_target.h"

namespace wg::web {
namespace {

struct Credentials {
    std::string name;
    std::string password;
};

std::string media_type(const HttpRequest& request) {
    const std::string* header = request.header("Content-Type");
    if (header == nullptr) {
        return "";
    }
    std::string type = header->substr(0, header->find(';'));
    while (!type.empty() && type.back() == ' ') {
        type.pop_back();
    }
    for (char& c : type) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return type;
}

std::optional<Credentials> from_json(const std::string& body) {
    try {
        Poco::JSON::Parser parser;
        const Poco::Dynamic::Var parsed = parser.parse(body);
        const auto object = parsed.extract<Poco::JSON::Object::Ptr>();
        if (!object || !object->has("name") || !object->has("password")) {
            return std::nullopt;
        }
        const Poco::Dynamic::Var name = object->get("name");
        const Poco::Dynamic::Var password = object->get("password");
        if (!name.isString() || !password.isString()) {
            return std::nullopt;
        }
        return Credentials{name.extract<std::string>(), password.extract<std::string>()};
    } catch (const Poco::Exception&) {
        return std::nullopt;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::optional<Credentials> from_form(const std::string& body) {
    // The same syntax as a query string.
    const auto parsed = parse_request_target("/?" + body);
    if (!parsed) {
        return std::nullopt;
    }
    const auto name = parsed->query.find("name");
    const auto password = parsed->query.find("password");
    if (name == parsed->query.end() || password == parsed->query.end()) {
        return std::nullopt;
    }
    return Credentials{name->second, password->second};
}

}  // namespace

HttpResponse login(Authenticator& auth, const HttpRequest& request) {
    if (auth.open()) {
        return error_response(400, "no users are configured: the dashboard needs no login");
    }
    const std::string type = media_type(request);
    const bool form = type == "application/x-www-form-urlencoded";
    std::optional<Credentials> credentials;
    if (type == "application/json") {
        credentials = from_json(request.body);
    } else if (form) {
        credentials = from_form(request.body);
    } else {
        return error_response(415, "send application/json or application/x-www-form-urlencoded");
    }
    if (!credentials) {
        return error_response(400, "expected a name and a password");
    }
    const LoginOutcome outcome = auth.login(credentials->name, credentials->password, request.peer_address);
    if (outcome.result == LoginOutcome::Result::Throttled) {
        HttpResponse response = error_response(429, "too many failed logins; try again later");
        response.set_header("Retry-After", std::to_string(outcome.retry_after.count()));
        return response;
    }
    if (outcome.result != LoginOutcome::Result::Ok || !outcome.session) {
        return error_response(401, "wrong user name or password");
    }
    HttpResponse response;
    if (form) {
        response.status = 303;
        response.set_header("Location", "/");
    } else {
        JsonWriter json;
        json.begin_object()
            .member("user", outcome.session->user)
            .member("csrf_token", outcome.session->csrf_token)
            .end_object();
        response = json_response(200, json.take());
    }
    response.set_header("Set-Cookie", session_cookie(outcome.session->id, request.secure));
    return response;
}

HttpResponse logout(Authenticator& auth, const HttpRequest& request) {
    auth.logout(request);
    HttpResponse response = json_response(200, "{}");
    response.set_header("Set-Cookie", cleared_session_cookie(request.secure));
    return response;
}

HttpResponse session_info(Authenticator& auth, const HttpRequest& request) {
    const auto session = auth.session(request);
    JsonWriter json;
    json.begin_object().member("login_required", !auth.open()).member("authenticated", session.has_value());
    if (session) {
        json.member("user", session->user).member("csrf_token", session->csrf_token);
    }
    json.end_object();
    return json_response(200, json.take());
}

}  // namespace wg::web
