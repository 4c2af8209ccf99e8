// What the dashboard server needs to know, filled in by the gateway from the [web] table of
// the configuration (the web module does not depend on config/).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace wg::web {

struct WebUser {
    std::string name;
    std::string password_hash;  // "pbkdf2-sha256$..." (web/password_hash.h)
};

struct WebSettings {
    std::string bind = "127.0.0.1";  // IP address
    std::uint16_t port = 8080;       // 0 = any free port (WebServer::port() says which)
    // Without users the dashboard is open, which the configuration allows on loopback only.
    std::vector<WebUser> users;
    std::string tls_cert;  // PEM files; both set = HTTPS
    std::string tls_key;
    unsigned max_streams = 16;     // concurrent /api/events streams; more get 503
    bool public_metrics = false;   // /metrics without login even when users exist
    std::size_t max_body_bytes = 64 * 1024;      // larger request bodies get 413
    std::size_t max_target_length = 4096;        // longer request-targets get 414

    bool tls() const { return !tls_cert.empty() && !tls_key.empty(); }
};

}  // namespace wg::web
