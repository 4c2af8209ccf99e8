#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include <Poco/Base64Decoder.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "bridge/profiles/aws_shadow_document.h"
#include "common/utf8.h"

using namespace wg::bridge::aws;
using Poco::JSON::Object;

namespace {

constexpr std::int64_t kSince = 1795636200123;  // 2026-11-25T19:50:00.123Z

Object::Ptr parse(const std::string& document) {
    Poco::JSON::Parser parser;
    return parser.parse(document).extract<Object::Ptr>();
}

Object::Ptr reported(const std::string& document) {
    return parse(document)->getObject("state")->getObject("reported");
}

std::string from_base64(const std::string& text) {
    std::istringstream in{text};
    Poco::Base64Decoder decoder{in};
    return std::string{std::istreambuf_iterator<char>{decoder}, std::istreambuf_iterator<char>{}};
}

DeviceLiveness offline_with_will(std::string payload) {
    return {"meter-1", false, kSince, "keep-alive-timeout",
            wg::liveness::PublishedWill{"devices/meter-1/status", std::move(payload), kSince + 2}};
}

// Deepest nesting of objects (the text has no braces inside strings).
int depth(const std::string& document) {
    int deepest = 0;
    int current = 0;
    for (const char c : document) {
        if (c == '{') deepest = std::max(deepest, ++current);
        if (c == '}') --current;
    }
    return deepest;
}

}  // namespace

TEST_CASE("aws_shadow_document_reports_an_offline_device_and_its_will", "[unit][bridge][aws]") {
    const std::string document = shadow_reported_document(offline_with_will("offline"), "wg-17");
    const Object::Ptr root = parse(document);
    CHECK(root->getValue<std::string>("clientToken") == "wg-17");
    const Object::Ptr state = reported(document);
    CHECK(state->getValue<std::string>("clientId") == "meter-1");
    CHECK_FALSE(state->getValue<bool>("connected"));
    CHECK(state->getValue<std::string>("since") == "2026-11-25T19:50:00.123Z");
    CHECK(state->getValue<std::int64_t>("sinceMs") == kSince);
    CHECK(state->getValue<std::string>("cause") == "keep-alive-timeout");
    const Object::Ptr will = state->getObject("lastWill");
    REQUIRE(will);
    CHECK(will->getValue<std::string>("topic") == "devices/meter-1/status");
    CHECK(will->getValue<std::string>("payload") == "offline");
    CHECK(will->getValue<std::string>("payloadEncoding") == "utf-8");
    CHECK(will->getValue<std::size_t>("payloadBytes") == 7);
    CHECK(will->getValue<std::string>("at") == "2026-11-25T19:50:00.125Z");
    CHECK(will->getValue<std::int64_t>("atMs") == kSince + 2);
    CHECK(depth(document) == 4);  // AWS allows 6
}

TEST_CASE("aws_shadow_document_clears_cause_and_will_of_a_connected_device", "[unit][bridge][aws]") {
    const std::string document = shadow_reported_document({"meter-1", true, kSince, "", std::nullopt});
    const Object::Ptr state = reported(document);
    CHECK(state->getValue<bool>("connected"));
    CHECK(state->has("cause"));
    CHECK(state->isNull("cause"));  // null deletes a stale cause from the shadow
    CHECK(state->isNull("lastWill"));
    CHECK_FALSE(parse(document)->has("clientToken"));
}

TEST_CASE("aws_shadow_document_writes_a_binary_will_payload_in_base64", "[unit][bridge][aws]") {
    const std::string payload{"\x00\xFF\x80status\xC3", 10};
    const Object::Ptr will = reported(shadow_reported_document(offline_with_will(payload)))->getObject("lastWill");
    CHECK(will->getValue<std::string>("payloadEncoding") == "base64");
    const auto text = will->getValue<std::string>("payload");
    CHECK(text.find('\n') == std::string::npos);
    CHECK(from_base64(text) == payload);
    CHECK(will->getValue<std::size_t>("payloadBytes") == 10);
}

TEST_CASE("aws_shadow_document_escapes_what_devices_chose", "[unit][bridge][aws]") {
    DeviceLiveness device = offline_with_will("say \"bye\"\n\x01");
    device.client_id = "odd\"id\\\t";
    device.last_will->topic = "t/\xC3\xA9/\x7F";
    const std::string document = shadow_reported_document(device);
    const Object::Ptr state = reported(document);
    CHECK(state->getValue<std::string>("clientId") == "odd\"id\\\t");
    CHECK(state->getObject("lastWill")->getValue<std::string>("topic") == "t/\xC3\xA9/\x7F");
    CHECK(state->getObject("lastWill")->getValue<std::string>("payload") == "say \"bye\"\n\x01");
}

TEST_CASE("aws_shadow_document_client_token_of_at_most_64_bytes", "[unit][bridge][aws]") {
    const DeviceLiveness device{"m", true, kSince, "", std::nullopt};
    CHECK(parse(shadow_reported_document(device, std::string(64, 't')))->getValue<std::string>("clientToken") ==
          std::string(64, 't'));
    CHECK_FALSE(parse(shadow_reported_document(device, std::string(65, 't')))->has("clientToken"));
}

TEST_CASE("aws_shadow_document_leaves_out_a_will_payload_that_does_not_fit", "[unit][bridge][aws]") {
    // The document without the payload's text ("payloadBytes" has 4 digits in both).
    const std::size_t base = shadow_reported_document(offline_with_will(std::string(1000, 'x')), "wg-1").size() - 1000;
    const std::size_t fits = kMaxShadowUpdateBytes - base;

    const std::string at_limit = shadow_reported_document(offline_with_will(std::string(fits, 'x')), "wg-1");
    CHECK(at_limit.size() == kMaxShadowUpdateBytes);
    CHECK(reported(at_limit)->getObject("lastWill")->getValue<std::string>("payload") == std::string(fits, 'x'));

    const std::string over = shadow_reported_document(offline_with_will(std::string(fits + 1, 'x')), "wg-1");
    CHECK(over.size() <= kMaxShadowUpdateBytes);
    const Object::Ptr will = reported(over)->getObject("lastWill");
    CHECK(will->isNull("payload"));
    CHECK(will->isNull("payloadEncoding"));
    CHECK(will->getValue<std::size_t>("payloadBytes") == fits + 1);
    CHECK(will->getValue<std::string>("topic") == "devices/meter-1/status");
    CHECK(parse(over)->getValue<std::string>("clientToken") == "wg-1");

    const std::string huge = shadow_reported_document(offline_with_will(std::string(200000, '\x01')));
    CHECK(huge.size() <= kMaxShadowUpdateBytes);
    CHECK(reported(huge)->getObject("lastWill")->getValue<std::size_t>("payloadBytes") == 200000);
}

TEST_CASE("aws_shadow_document_cuts_long_texts_when_nothing_else_helps", "[unit][bridge][aws]") {
    DeviceLiveness device = offline_with_will("offline");
    device.client_id = std::string(60000, '\x01');  // 6 bytes each once escaped
    device.cause = std::string(3000, '<');
    std::string topic;
    for (int i = 0; i < 20000; ++i) topic += "\xC3\xA9";
    device.last_will->topic = topic;
    const std::string document = shadow_reported_document(device, std::string(64, '&'));
    CHECK(document.size() <= kMaxShadowUpdateBytes);
    const Object::Ptr state = reported(document);
    const auto client_id = state->getValue<std::string>("clientId");
    CHECK(client_id.size() <= kCutTextBytes);
    CHECK(client_id.ends_with("..."));
    CHECK(state->getValue<std::string>("cause").size() <= kCutTextBytes);
    const auto cut_topic = state->getObject("lastWill")->getValue<std::string>("topic");
    CHECK(cut_topic.size() <= kCutTextBytes);
    CHECK(cut_topic.ends_with("..."));
    CHECK(wg::is_valid_utf8(cut_topic));  // cut at a character
    CHECK(state->getObject("lastWill")->isNull("payload"));
}

TEST_CASE("aws_shadow_reply_rejected_gives_code_message_and_token", "[unit][bridge][aws]") {
    const ShadowReply reply =
        parse_shadow_reply(false, R"({"code":400,"message":"Invalid JSON","timestamp":1700000000,"clientToken":"wg-17"})");
    CHECK_FALSE(reply.accepted);
    CHECK(reply.readable);
    CHECK(reply.code == 400);
    CHECK(reply.message == "Invalid JSON");
    CHECK(reply.client_token == "wg-17");
    CHECK(reply.summary == "rejected: 400 Invalid JSON");

    CHECK(parse_shadow_reply(false, R"({"code":404,"message":"No shadow exists with name: 'meter_2E1'"})").summary ==
          "rejected: 404 No shadow exists with name: 'meter_2E1'");
    CHECK(parse_shadow_reply(false, R"({"message":"odd"})").summary == "rejected: no code odd");
    CHECK(parse_shadow_reply(false, R"({"code":"400"})").summary == "rejected: no code");
    const ShadowReply long_message =
        parse_shadow_reply(false, R"({"code":413,"message":")" + std::string(500, 'm') + "\"}");
    CHECK(long_message.summary == "rejected: 413 " + std::string(197, 'm') + "...");
}

TEST_CASE("aws_shadow_reply_accepted_gives_version_and_token", "[unit][bridge][aws]") {
    const ShadowReply reply = parse_shadow_reply(
        true, R"({"state":{"reported":{"connected":true}},"metadata":{"reported":{"connected":{"timestamp":1}}},)"
              R"("version":12,"timestamp":1700000000,"clientToken":"wg-18"})");
    CHECK(reply.accepted);
    CHECK(reply.readable);
    CHECK(reply.version == 12);
    CHECK(reply.client_token == "wg-18");
    CHECK(reply.code == 0);
    CHECK(reply.summary == "accepted (version 12)");
    CHECK(parse_shadow_reply(true, "{}").summary == "accepted");
}

TEST_CASE("aws_shadow_reply_that_is_not_a_json_object_is_unreadable", "[unit][bridge][aws]") {
    for (const char* payload : {"", "not json", "[1,2]", "{\"code\":", "42"}) {
        INFO(payload);
        const ShadowReply reply = parse_shadow_reply(false, payload);
        CHECK_FALSE(reply.readable);
        CHECK(reply.summary == "rejected: unreadable reply");
    }
    CHECK(parse_shadow_reply(true, "garbage").summary == "accepted");
}
