#include "web/authenticator.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <stdexcept>

#include "web/cookies.h"
#include "web/secure_random.h"
#include "web/text_encoding.h"

namespace wg::web {

Authenticator::Authenticator(const std::vector<WebUser>& users, SessionStore& sessions, LoginThrottle& throttle)
    : sessions_{sessions}, throttle_{throttle} {
    for (const WebUser& user : users) {
        auto hash = parse_password_hash(user.password_hash);
        if (!hash) {
            throw std::invalid_argument("web user \"" + user.name + "\": password_hash is not a pbkdf2-sha256 hash");
        }
        users_.push_back(User{user.name, std::move(*hash)});
    }
    open_session_ = Session{"", "", random_token(32)};
}

std::optional<Session> Authenticator::session(const HttpRequest& request) {
    if (open()) {
        return open_session_;
    }
    const std::string* header = request.header("Cookie");
    if (header == nullptr) {
        return std::nullopt;
    }
    const auto cookies = parse_cookie_header(*header);
    const auto found = cookies.find(kSessionCookie);
    if (found == cookies.end() || found->second.empty()) {
        return std::nullopt;
    }
    return sessions_.find(found->second);
}

LoginOutcome Authenticator::check(std::string_view name, std::string_view password, const std::string& peer) {
    const std::string peer_key = "peer:" + peer;
    const std::string user_key = "user:" + std::string{name};
    const std::chrono::seconds wait = std::max(throttle_.retry_after(peer_key), throttle_.retry_after(user_key));
    if (wait.count() > 0) {
        return LoginOutcome{LoginOutcome::Result::Throttled, wait, std::nullopt};
    }
    const auto user = std::find_if(users_.begin(), users_.end(), [name](const User& u) { return u.name == name; });
    bool ok = false;
    if (user != users_.end()) {
        ok = verify_password(password, user->hash);
    } else if (!users_.empty()) {
        // The same work as for a real user, so the time taken does not tell which names exist.
        (void)verify_password(password, users_.front().hash);
    }
    if (!ok) {
        throttle_.record_failure(peer_key);
        throttle_.record_failure(user_key);
        return LoginOutcome{LoginOutcome::Result::Refused, std::chrono::seconds{0}, std::nullopt};
    }
    throttle_.record_success(peer_key);
    throttle_.record_success(user_key);
    return LoginOutcome{LoginOutcome::Result::Ok, std::chrono::seconds{0}, std::nullopt};
}

LoginOutcome Authenticator::login(std::string_view name, std::string_view password, const std::string& peer) {
    LoginOutcome outcome = check(name, password, peer);
    if (outcome.result == LoginOutcome::Result::Ok) {
        outcome.session = sessions_.create(std::string{name});
    }
    return outcome;
}

LoginOutcome Authenticator::basic_auth(const HttpRequest& request) {
    const std::string* header = request.header("Authorization");
    if (header == nullptr || header->size() < 6 || !equals_ignoring_case(header->substr(0, 6), "Basic ")) {
        return LoginOutcome{};
    }
    const auto decoded = base64_decode(std::string_view{*header}.substr(6));
    if (!decoded) {
        return LoginOutcome{};
    }
    const std::size_t colon = decoded->find(':');
    if (colon == std::string::npos) {
        return LoginOutcome{};
    }
    return check(std::string_view{*decoded}.substr(0, colon), std::string_view{*decoded}.substr(colon + 1),
                 request.peer_address);
}

void Authenticator::logout(const HttpRequest& request) {
    if (const auto current = session(request); current && !current->id.empty()) {
        sessions_.remove(current->id);
    }
}

bool Authenticator::token_matches(const Session& session, std::string_view token) {
    return !session.csrf_token.empty() && token.size() == session.csrf_token.size() &&
           CRYPTO_memcmp(token.data(), session.csrf_token.data(), token.size()) == 0;
}

}  // namespace wg::web
