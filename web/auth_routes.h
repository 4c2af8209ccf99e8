// POST /login, POST /logout and GET /api/session.
//
// Threading: called on the server's pool threads, concurrently.
#pragma once

#include "web/authenticator.h"
#include "web/http_types.h"

namespace wg::web {

// Body: JSON {"name": "...", "password": "..."} or a form (name=...&password=...).
// 200 {"user", "csrf_token"} with the session cookie (a form post is redirected to "/" with
// 303 instead); 400 malformed body or no users configured; 401 wrong name or password;
// 415 another content type; 429 throttled, with Retry-After.
HttpResponse login(Authenticator& auth, const HttpRequest& request);

// Ends the request's session and clears the cookie; 200 {}.
HttpResponse logout(Authenticator& auth, const HttpRequest& request);

// {"login_required", "authenticated", "user", "csrf_token"} (the last two when logged in).
HttpResponse session_info(Authenticator& auth, const HttpRequest& request);

}  // namespace wg::web
