#include "web/poco_handler.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SocketAddress.h>

#include <exception>
#include <istream>
#include <memory>

#include "common/log.h"
#include "web/request_target.h"
#include "web/sse_stream.h"

namespace wg::web {
namespace {

void send(Poco::Net::HTTPServerResponse& out, const HttpResponse& response) {
    out.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(response.status));
    if (response.close) {
        out.setKeepAlive(false);
    }
    out.setContentType(response.content_type);
    for (const auto& [name, value] : response.headers) {
        out.add(name, value);
    }
    out.sendBuffer(response.body.data(), response.body.size());
}

// Releases a stream slot when the stream ends.
class StreamSlot {
public:
    explicit StreamSlot(std::atomic<unsigned>& active) : active_{active} {}
    ~StreamSlot() { active_.fetch_sub(1, std::memory_order_acq_rel); }
    StreamSlot(const StreamSlot&) = delete;
    StreamSlot& operator=(const StreamSlot&) = delete;

private:
    std::atomic<unsigned>& active_;
};

// Reads the whole body into `body`; false when it is longer than `limit`.
bool read_body(std::istream& in, std::size_t limit, std::string& body) {
    char chunk[4096];
    while (in) {
        in.read(chunk, sizeof chunk);
        body.append(chunk, static_cast<std::size_t>(in.gcount()));
        if (body.size() > limit) {
            return false;
        }
    }
    return true;
}

class RequestHandler final : public Poco::Net::HTTPRequestHandler {
public:
    explicit RequestHandler(HandlerContext context) : context_{context} {}

    void handleRequest(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out) override {
        try {
            handle(in, out);
        } catch (const std::exception& error) {
            log::warning(std::string{"web: request failed: "} + error.what());
            if (!out.sent()) {
                HttpResponse response = error_response(500, "internal error");
                response.close = true;
                Router::add_common_headers(response);
                send(out, response);
            }
        }
    }

private:
    void handle(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out) {
        HttpRequest request;
        request.method = in.getMethod();
        request.target = in.getURI();
        for (const auto& [name, value] : in) {
            request.headers.emplace_back(name, value);
        }
        request.peer_address = in.clientAddress().host().toString();
        request.secure = context_.settings.tls();

        const std::size_t limit = context_.settings.max_body_bytes;
        if (in.hasContentLength() && in.getContentLength64() > static_cast<Poco::Int64>(limit)) {
            return refuse_body(out);
        }
        if (in.hasContentLength() || in.getChunkedTransferEncoding()) {
            if (!read_body(in.stream(), limit, request.body)) {
                return refuse_body(out);
            }
        } else if (request.method != "GET" && request.method != "HEAD" && request.method != "DELETE") {
            // Without a length POCO would read the body until the client closes.
            HttpResponse response = error_response(411, "Content-Length required");
            response.close = true;
            Router::add_common_headers(response);
            return send(out, response);
        }

        if (Router::is_event_stream(request)) {
            return stream(request, out);
        }
        send(out, context_.router.handle(request));
    }

    void refuse_body(Poco::Net::HTTPServerResponse& out) {
        // The rest of the body is not read, so the connection cannot carry another request.
        HttpResponse response = error_response(413, "request body too large (limit " +
                                                        std::to_string(context_.settings.max_body_bytes) + " bytes)");
        response.close = true;
        Router::add_common_headers(response);
        send(out, response);
    }

    void stream(const HttpRequest& request, Poco::Net::HTTPServerResponse& out) {
        if (auto refusal = context_.router.admit_event_stream(request)) {
            return send(out, *refusal);
        }
        const unsigned before = context_.active_streams.fetch_add(1, std::memory_order_acq_rel);
        const StreamSlot slot{context_.active_streams};
        if (before >= context_.settings.max_streams) {
            HttpResponse response = error_response(503, "too many event streams open");
            response.set_header("Retry-After", "5");
            Router::add_common_headers(response);
            return send(out, response);
        }
        std::optional<std::int64_t> after;
        if (const std::string* last_id = request.header("Last-Event-ID")) {
            after = parse_sequence(*last_id);
        }
        if (!after) {
            if (const auto target = parse_request_target(request.target)) {
                if (const auto found = target->query.find("after"); found != target->query.end()) {
                    after = parse_sequence(found->second);
                }
            }
        }
        HttpResponse headers;
        Router::add_common_headers(headers);
        out.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_OK);
        out.setContentType("text/event-stream");
        for (const auto& [name, value] : headers.headers) {
            out.set(name, value);
        }
        if (request.method == "HEAD") {
            return out.sendBuffer(nullptr, 0);
        }
        out.setChunkedTransferEncoding(true);
        std::ostream& body = out.send();
        const std::int64_t start = after ? *after : context_.api.liveness.last_sequence();
        SseStream{context_.api.liveness, context_.api.broker, context_.api.clock, context_.stopping, SseOptions{},
                  context_.api.forgotten}
            .run(body, start);
    }

    HandlerContext context_;
};

}  // namespace

Poco::Net::HTTPRequestHandler* RequestHandlerFactory::createRequestHandler(const Poco::Net::HTTPServerRequest&) {
    // POCO takes ownership and deletes the handler after the request.
    return std::make_unique<RequestHandler>(context_).release();
}

}  // namespace wg::web
