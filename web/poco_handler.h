// The bridge between POCO's HTTP server and the Router: one RequestHandler per request (the
// server deletes it), which reads the body (at most settings.max_body_bytes, else 413),
// asks the Router for the response, or runs an SseStream for GET /api/events (at most
// settings.max_streams at a time, else 503).
//
// Threading: createRequestHandler() and handleRequest() run on the server's pool threads.
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include <atomic>

#include "web/api_routes.h"
#include "web/router.h"
#include "web/web_settings.h"

namespace wg::web {

struct HandlerContext {
    Router& router;
    ApiContext api;
    const WebSettings& settings;
    const std::atomic<bool>& stopping;
    std::atomic<unsigned>& active_streams;
};

class RequestHandlerFactory final : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit RequestHandlerFactory(HandlerContext context) : context_{context} {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest& request) override;

private:
    HandlerContext context_;
};

}  // namespace wg::web
