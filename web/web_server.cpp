#include "web/web_server.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timespan.h>

#include "web/authenticator.h"
#include "web/login_throttle.h"
#include "web/poco_handler.h"
#include "web/router.h"
#include "web/session_store.h"

namespace wg::web {
namespace {

constexpr int kListenBacklog = 64;
constexpr int kBaseThreads = 4;  // for ordinary requests, besides the event streams

void bind(Poco::Net::ServerSocket& socket, const Poco::Net::SocketAddress& address) {
    if (address.family() == Poco::Net::SocketAddress::IPv6) {
        // "::" accepts IPv4 too (dual stack), as the MQTT listeners do.
        socket.bind6(address, true, false);
    } else {
        socket.bind(address, true);
    }
    socket.listen(kListenBacklog);
}

}  // namespace

WebServer::WebServer(WebSettings settings, liveness::LivenessReader& liveness, const broker::BrokerStatusSource& broker,
                     const Clock& clock)
    : settings_{std::move(settings)}, liveness_{liveness}, broker_{broker}, clock_{clock} {
    sessions_ = std::make_unique<SessionStore>(clock_);
    throttle_ = std::make_unique<LoginThrottle>(clock_);
    auth_ = std::make_unique<Authenticator>(settings_.users, *sessions_, *throttle_);
    router_ = std::make_unique<Router>(ApiContext{liveness_, broker_, clock_, &forgotten_}, *auth_, settings_);
}

WebServer::~WebServer() { stop(); }

void WebServer::start() {
    const Poco::Net::SocketAddress address{settings_.bind, settings_.port};
    Poco::Net::ServerSocket socket;
    if (settings_.tls()) {
        Poco::Net::initializeSSL();
        ssl_initialised_ = true;
        auto context = Poco::makeAuto<Poco::Net::Context>(Poco::Net::Context::TLS_SERVER_USE, settings_.tls_key,
                                                                 settings_.tls_cert, "", Poco::Net::Context::VERIFY_NONE);
        context->disableProtocols(Poco::Net::Context::PROTO_SSLV2 | Poco::Net::Context::PROTO_SSLV3 |
                                  Poco::Net::Context::PROTO_TLSV1 | Poco::Net::Context::PROTO_TLSV1_1);
        Poco::Net::SecureServerSocket secure{context};
        bind(secure, address);
        socket = secure;
    } else {
        bind(socket, address);
    }
    port_ = socket.address().port();

    const int max_threads = kBaseThreads + static_cast<int>(settings_.max_streams);
    auto params = Poco::makeAuto<Poco::Net::HTTPServerParams>();
    params->setMaxThreads(max_threads);
    params->setMaxQueued(64);
    params->setTimeout(Poco::Timespan{10, 0});          // a silent client is dropped
    params->setKeepAliveTimeout(Poco::Timespan{5, 0});  // and an idle connection frees its thread
    params->setMaxKeepAliveRequests(100);
    pool_ = std::make_unique<Poco::ThreadPool>("web", 1, max_threads, 60);
    const Poco::Net::HTTPRequestHandlerFactory::Ptr factory = Poco::makeShared<RequestHandlerFactory>(
        HandlerContext{*router_, ApiContext{liveness_, broker_, clock_, &forgotten_}, settings_, stopping_, active_streams_});
    server_ = std::make_unique<Poco::Net::HTTPServer>(factory, *pool_, socket, params);
    server_->start();
}

void WebServer::stop() {
    if (server_) {
        stopping_.store(true, std::memory_order_release);
        server_->stopAll(true);  // closes the open connections, event streams included
        pool_->joinAll();
        server_.reset();
        pool_.reset();
    }
    if (ssl_initialised_) {
        Poco::Net::uninitializeSSL();
        ssl_initialised_ = false;
    }
}

std::string WebServer::url() const {
    const bool ipv6 = settings_.bind.find(':') != std::string::npos;
    return std::string{settings_.tls() ? "https" : "http"} + "://" +
           (ipv6 ? "[" + settings_.bind + "]" : settings_.bind) + ":" + std::to_string(port_);
}

}  // namespace wg::web
