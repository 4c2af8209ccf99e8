// The session cookie: reading the Cookie request header and writing Set-Cookie.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace wg::web {

inline constexpr const char* kSessionCookie = "willgate_session";

// "a=1; b=2" -> {a: 1, b: 2}. Whitespace around pairs is dropped, a quoted value loses its
// quotes, pairs without '=' or with an empty name are skipped, and the first of repeated
// names wins.
std::map<std::string, std::string> parse_cookie_header(std::string_view header);

// Set-Cookie for a session: HttpOnly, SameSite=Strict, Path=/, and Secure over TLS. No
// Max-Age: the cookie lives as long as the browser session; the server expires it when idle.
std::string session_cookie(std::string_view id, bool secure);
// Set-Cookie that deletes the session cookie.
std::string cleared_session_cookie(bool secure);

}  // namespace wg::web
