// Who is asking: the configured users, their sessions and the login throttle.
//
// With no users the dashboard is open: every request counts as logged in as an anonymous
// user, whose CSRF token is one random token made at start-up (the configuration allows this
// on loopback addresses only).
//
// Threading: every member may be called from any thread (SessionStore and LoginThrottle lock).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "web/http_types.h"
#include "web/login_throttle.h"
#include "web/password_hash.h"
#include "web/session_store.h"
#include "web/web_settings.h"

namespace wg::web {

struct LoginOutcome {
    enum class Result { Ok, Refused, Throttled };
    Result result = Result::Refused;
    std::chrono::seconds retry_after{0};  // Throttled: how long to wait
    std::optional<Session> session;       // Ok from login()
};

class Authenticator {
public:
    // Throws std::invalid_argument naming the user whose password_hash cannot be parsed.
    Authenticator(const std::vector<WebUser>& users, SessionStore& sessions, LoginThrottle& throttle);

    bool open() const { return users_.empty(); }

    // The request's session (from its session cookie), or the anonymous one when open.
    std::optional<Session> session(const HttpRequest& request);

    // Checks the password (unless the peer or the name is throttled) and starts a session.
    LoginOutcome login(std::string_view name, std::string_view password, const std::string& peer);

    // Checks "Authorization: Basic ..." against the users, throttled like login(); no session.
    LoginOutcome basic_auth(const HttpRequest& request);

    void logout(const HttpRequest& request);

    // Constant-time comparison of a CSRF token with the session's.
    static bool token_matches(const Session& session, std::string_view token);

private:
    struct User {
        std::string name;
        PasswordHash hash;
    };

    LoginOutcome check(std::string_view name, std::string_view password, const std::string& peer);

    std::vector<User> users_;
    SessionStore& sessions_;
    LoginThrottle& throttle_;
    Session open_session_;
};

}  // namespace wg::web
