// Cross-site request checks.
#pragma once

#include "web/http_types.h"

namespace wg::web {

// Whether a state-changing request comes from a page of this server: its Origin header (or,
// without one, its Referer) names the same scheme and host:port as the Host header. A request
// with neither, with "Origin: null", or without Host is refused.
bool same_origin(const HttpRequest& request);

// Whether the Host header names this machine ("localhost", "127.x.x.x", "[::1]", with or
// without a port). Without users the dashboard is open on loopback only, and this keeps a
// web page on another site from reaching it through a DNS name rebound to 127.0.0.1.
bool loopback_host(const HttpRequest& request);

}  // namespace wg::web
