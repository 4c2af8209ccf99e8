// The dashboard server: POCO's HTTPServer (HTTP, or HTTPS with web.tls_cert/tls_key) on a
// small thread pool of its own, serving the page, the API, /metrics and /healthz through
// the Router.
//
// Threading: start() and stop() are called by the gateway's thread; requests run on the pool
// (at least one thread, at most 4 + settings.max_streams: an event stream holds a thread for
// as long as it is open). The liveness reader, the status source and the clock must outlive
// the server. SSL is initialised only when TLS is configured.
// Errors: start() throws (Poco::Exception or std::exception) when the address cannot be
// bound or the certificate or key cannot be loaded.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "common/clock.h"
#include "web/forgotten_devices.h"
#include "web/web_settings.h"
#include "willgate/broker_status.h"
#include "willgate/liveness.h"

namespace Poco {
class ThreadPool;
namespace Net {
class HTTPServer;
}  // namespace Net
}  // namespace Poco

namespace wg::web {

class SessionStore;
class LoginThrottle;
class Authenticator;
class Router;

class WebServer {
public:
    WebServer(WebSettings settings, liveness::LivenessReader& liveness, const broker::BrokerStatusSource& broker,
              const Clock& clock);
    ~WebServer();
    WebServer(const WebServer&) = delete;
    WebServer& operator=(const WebServer&) = delete;

    // Binds and starts accepting.
    void start();
    // Ends open event streams and connections and joins the pool's threads. Idempotent.
    void stop();

    // The bound port (the chosen one when settings.port is 0); valid after start().
    std::uint16_t port() const { return port_; }
    // "http://127.0.0.1:8080", "https://[::1]:8443"
    std::string url() const;

private:
    WebSettings settings_;
    liveness::LivenessReader& liveness_;
    const broker::BrokerStatusSource& broker_;
    const Clock& clock_;
    std::unique_ptr<SessionStore> sessions_;
    std::unique_ptr<LoginThrottle> throttle_;
    std::unique_ptr<Authenticator> auth_;
    std::unique_ptr<Router> router_;
    ForgottenDevices forgotten_;
    std::atomic<bool> stopping_{false};
    std::atomic<unsigned> active_streams_{0};
    std::unique_ptr<Poco::ThreadPool> pool_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    bool ssl_initialised_ = false;
    std::uint16_t port_ = 0;
};

}  // namespace wg::web
