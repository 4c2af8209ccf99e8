#include "bridge/profiles/aws_shadow_document.h"

#include <exception>
#include <sstream>

#include <Poco/Base64Encoder.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "common/json_text.h"
#include "common/utf8.h"

namespace wg::bridge::aws {
namespace {

std::string base64(std::string_view bytes) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    encoder.close();
    return out.str();
}

// `text` cut to at most `max` bytes, at a character, ending in "...".
std::string cut(std::string_view text, std::size_t max) {
    if (text.size() <= max) return std::string{text};
    std::size_t length = max - 3;
    while (length > 0 && (static_cast<unsigned char>(text[length]) & 0xC0) == 0x80) --length;
    return std::string{text.substr(0, length)} + "...";
}

void member(std::string& out, std::string_view key) {
    if (out.back() != '{') out += ',';
    json::append_string(out, key);
    out += ':';
}

void string_member(std::string& out, std::string_view key, std::string_view value) {
    member(out, key);
    json::append_string(out, value);
}

void null_member(std::string& out, std::string_view key) {
    member(out, key);
    out += "null";
}

void time_members(std::string& out, std::string_view key, std::int64_t epoch_ms) {
    string_member(out, key, json::iso8601_utc(epoch_ms));
    member(out, std::string{key} + "Ms");
    out += std::to_string(epoch_ms);
}

struct Shape {
    bool with_payload = true;
    bool cut_texts = false;
};

std::string render(const DeviceLiveness& device, std::string_view client_token, Shape shape) {
    const auto text = [&](std::string_view value) { return shape.cut_texts ? cut(value, kCutTextBytes) : std::string{value}; };
    std::string out = "{\"state\":{\"reported\":{";
    string_member(out, "clientId", text(device.client_id));
    member(out, "connected");
    out += device.connected ? "true" : "false";
    time_members(out, "since", device.since_ms);
    if (device.cause.empty()) null_member(out, "cause");
    else string_member(out, "cause", text(device.cause));
    if (const auto& will = device.last_will) {
        member(out, "lastWill");
        out += '{';
        string_member(out, "topic", text(will->topic));
        if (!shape.with_payload) {
            null_member(out, "payload");
            null_member(out, "payloadEncoding");
        } else if (is_valid_utf8(will->payload)) {
            string_member(out, "payload", will->payload);
            string_member(out, "payloadEncoding", "utf-8");
        } else {
            string_member(out, "payload", base64(will->payload));
            string_member(out, "payloadEncoding", "base64");
        }
        member(out, "payloadBytes");
        out += std::to_string(will->payload.size());
        time_members(out, "at", will->at_ms);
        out += '}';
    } else {
        null_member(out, "lastWill");
    }
    out += "}}";
    if (!client_token.empty() && client_token.size() <= kMaxClientTokenBytes)
        string_member(out, "clientToken", client_token);
    out += '}';
    return out;
}

}  // namespace

std::string shadow_reported_document(const DeviceLiveness& device, std::string_view client_token) {
    for (const Shape shape : {Shape{true, false}, Shape{false, false}}) {
        std::string document = render(device, client_token, shape);
        if (document.size() <= kMaxShadowUpdateBytes) return document;
    }
    // Each cut text escapes to at most 6 bytes per byte: 3 * 256 * 6 plus the rest stays below the limit.
    return render(device, client_token, Shape{false, true});
}

namespace {

constexpr std::size_t kMaxSummaryMessageBytes = 200;

std::string string_of(const Poco::JSON::Object& object, const std::string& key) {
    const Poco::Dynamic::Var value = object.get(key);
    return value.isString() ? value.extract<std::string>() : std::string{};
}

std::optional<std::int64_t> integer_of(const Poco::JSON::Object& object, const std::string& key) {
    const Poco::Dynamic::Var value = object.get(key);
    if (value.isEmpty() || !value.isInteger()) return std::nullopt;
    return value.convert<std::int64_t>();
}

}  // namespace

ShadowReply parse_shadow_reply(bool accepted, std::string_view payload) {
    ShadowReply reply;
    reply.accepted = accepted;
    try {
        Poco::JSON::Parser parser;
        const Poco::Dynamic::Var parsed = parser.parse(std::string{payload});
        if (parsed.type() == typeid(Poco::JSON::Object::Ptr)) {
            const auto object = parsed.extract<Poco::JSON::Object::Ptr>();
            reply.readable = true;
            reply.client_token = string_of(*object, "clientToken");
            reply.message = string_of(*object, "message");
            reply.version = integer_of(*object, "version");
            if (const auto code = integer_of(*object, "code"); code && *code >= 0 && *code < 1000)
                reply.code = static_cast<int>(*code);
        }
    } catch (const Poco::Exception&) {
    } catch (const std::exception&) {
    }
    if (accepted) {
        reply.summary = "accepted";
        if (reply.version) reply.summary += " (version " + std::to_string(*reply.version) + ")";
        return reply;
    }
    reply.summary = "rejected: ";
    if (!reply.readable) {
        reply.summary += "unreadable reply";
        return reply;
    }
    reply.summary += reply.code != 0 ? std::to_string(reply.code) : std::string{"no code"};
    if (!reply.message.empty()) reply.summary += " " + cut(reply.message, kMaxSummaryMessageBytes);
    return reply;
}

}  // namespace wg::bridge::aws
