#include <catch2/catch.hpp>

#include <string>
#include <variant>

#include "bridge/profiles/aws_guards.h"

using namespace wg::bridge::aws;
using std::chrono::seconds;

namespace {

const std::optional<ShadowSettings> kNone;
const std::optional<ShadowSettings> kNamed{ShadowSettings{ShadowMode::NamedShadowOfGateway, "gw", ""}};
const std::optional<ShadowSettings> kClassic{ShadowSettings{ShadowMode::ClassicShadowPerDevice, "", "dev-"}};

OutgoingMessage sent(const std::variant<OutgoingMessage, Refusal>& checked) {
    REQUIRE(std::holds_alternative<OutgoingMessage>(checked));
    return std::get<OutgoingMessage>(checked);
}

Refusal refused(const std::variant<OutgoingMessage, Refusal>& checked) {
    REQUIRE(std::holds_alternative<Refusal>(checked));
    return std::get<Refusal>(checked);
}

std::variant<OutgoingMessage, Refusal> check(std::string topic, std::size_t payload_size = 10, std::uint8_t qos = 1,
                                             bool retain = false, const std::optional<ShadowSettings>& shadows = kNone) {
    return check_outgoing({std::move(topic), payload_size, qos, retain}, shadows);
}

}  // namespace

TEST_CASE("aws_qos_2_is_sent_as_qos_1", "[unit][bridge][aws]") {
    CHECK(sent(check("a/b", 10, 2)).qos == 1);
    CHECK(sent(check("a/b", 10, 1)).qos == 1);
    CHECK(sent(check("a/b", 10, 0)).qos == 0);
    const OutgoingMessage message = sent(check("a/b", 10, 2, true));
    CHECK(message.topic == "a/b");
    CHECK(message.payload_size == 10);
    CHECK(message.retain);  // AWS IoT Core keeps retained messages
}

TEST_CASE("aws_payload_of_128_kib_is_the_largest_sent", "[unit][bridge][aws]") {
    CHECK(kMaxPayloadBytes == 131072);
    CHECK(sent(check("a", 0)).payload_size == 0);
    CHECK(sent(check("a", 131071)).payload_size == 131071);
    CHECK(sent(check("a", 131072)).payload_size == 131072);
    const Refusal over = refused(check("a", 131073));
    CHECK(over.kind == RefusalKind::PayloadTooLarge);
    CHECK(over.reason == "payload of 131073 bytes (AWS IoT allows 131072 bytes)");
}

TEST_CASE("aws_topic_of_256_bytes_is_the_longest_sent", "[unit][bridge][aws]") {
    CHECK(sent(check(std::string(255, 'a'))).topic.size() == 255);
    CHECK(sent(check(std::string(256, 'a'))).topic.size() == 256);
    const Refusal over = refused(check(std::string(257, 'a')));
    CHECK(over.kind == RefusalKind::TopicTooLong);
    CHECK(over.reason == "topic of 257 bytes (AWS IoT allows 256)");
    // Bytes of UTF-8, not characters: 128 x "é" is 256 bytes.
    std::string accents;
    for (int i = 0; i < 128; ++i) accents += "\xC3\xA9";
    CHECK(sent(check(accents)).topic == accents);
    CHECK(refused(check(accents + "\xC3\xA9")).kind == RefusalKind::TopicTooLong);
}

TEST_CASE("aws_topic_with_7_slashes_is_the_deepest_sent", "[unit][bridge][aws]") {
    CHECK(sent(check("a/b/c/d/e/f/g/h")).topic == "a/b/c/d/e/f/g/h");
    const Refusal over = refused(check("a/b/c/d/e/f/g/h/i"));
    CHECK(over.kind == RefusalKind::TooManySlashes);
    CHECK(over.reason == "topic with 8 slashes (AWS IoT allows 7)");
    CHECK(sent(check("/a/b/c/d/e/f/g")).topic == "/a/b/c/d/e/f/g");  // 7, the leading one counts
    CHECK(refused(check("/a/b/c/d/e/f/g/")).kind == RefusalKind::TooManySlashes);
    CHECK(sent(check("a///////b")).topic == "a///////b");
    CHECK(refused(check("a////////b")).kind == RefusalKind::TooManySlashes);
}

TEST_CASE("aws_invalid_topics_are_refused", "[unit][bridge][aws]") {
    CHECK(refused(check("")).kind == RefusalKind::InvalidTopic);
    CHECK(refused(check("a/+/b")).reason == "topic contains a wildcard (+ or #)");
    CHECK(refused(check("a/#")).kind == RefusalKind::InvalidTopic);
    CHECK(refused(check("a\xFF")).reason == "topic is not valid UTF-8");
    CHECK(refused(check("a\xC0\xAF")).kind == RefusalKind::InvalidTopic);  // overlong '/'
    CHECK(refused(check(std::string{"a\0b", 3})).reason == "topic contains U+0000");
}

TEST_CASE("aws_reserved_topics_are_refused_except_the_devices_shadow_updates", "[unit][bridge][aws]") {
    for (const char* topic : {"$aws/things/gw/shadow/name/m/update", "$SYS/broker/uptime", "$aws/rules/r/x",
                              "$aws/things/gw/shadow/update", "$anything"}) {
        INFO(topic);
        const Refusal refusal = refused(check(topic));
        CHECK(refusal.kind == RefusalKind::ReservedTopic);
    }
    CHECK(refused(check("$aws/rules/r/x")).reason ==
          "topic starts with '$' (reserved by AWS IoT; only devices' shadow updates are sent there)");

    // Named shadows of the gateway's thing.
    const OutgoingMessage update = sent(check("$aws/things/gw/shadow/name/meter-1/update", 500, 2, true, kNamed));
    CHECK(update.qos == 1);
    CHECK_FALSE(update.retain);  // AWS: no RETAIN on a reserved topic
    for (const char* topic :
         {"$aws/things/other/shadow/name/m/update", "$aws/things/gw/shadow/update",
          "$aws/things/gw/shadow/name/m/update/accepted", "$aws/things/gw/shadow/name/m/get",
          "$aws/things/gw/shadow/name/m/delete", "$aws/things/gw/jobs/get"}) {
        INFO(topic);
        CHECK(refused(check(topic, 10, 1, false, kNamed)).kind == RefusalKind::ReservedTopic);
    }

    // Classic shadows of the devices' things.
    CHECK_FALSE(sent(check("$aws/things/dev-meter-1/shadow/update", 10, 1, true, kClassic)).retain);
    CHECK(refused(check("$aws/things/gw/shadow/update", 10, 1, false, kClassic)).kind == RefusalKind::ReservedTopic);
    CHECK(refused(check("$aws/things/dev-m/shadow/name/x/update", 10, 1, false, kClassic)).kind ==
          RefusalKind::ReservedTopic);

    // A shadow update is still held to the payload limit.
    CHECK(refused(check("$aws/things/gw/shadow/name/m/update", 131073, 1, false, kNamed)).kind ==
          RefusalKind::PayloadTooLarge);
}

TEST_CASE("aws_the_longest_shadow_update_topic_passes", "[unit][bridge][aws]") {
    const std::string thing(kMaxThingNameBytes, 't');
    const std::string shadow(kMaxShadowNameBytes, 's');
    const std::optional<ShadowSettings> settings{ShadowSettings{ShadowMode::NamedShadowOfGateway, thing, ""}};
    const std::string topic = shadow_update_topic(thing, shadow);
    CHECK(sent(check(topic, 100, 1, false, settings)).topic == topic);
}

TEST_CASE("aws_will_follows_the_same_rules", "[unit][bridge][aws]") {
    const OutgoingMessage will = sent(check_will({"gateways/hall7/status", 7, 2, true}, kNone));
    CHECK(will.qos == 1);  // a QoS 2 Will is never sent to AWS
    CHECK(will.retain);
    CHECK(sent(check_will({"s", kMaxPayloadBytes, 1, false}, kNone)).payload_size == kMaxPayloadBytes);
    const Refusal too_large = refused(check_will({"s", kMaxPayloadBytes + 1, 1, false}, kNone));
    CHECK(too_large.kind == RefusalKind::PayloadTooLarge);
    CHECK(too_large.reason == "the Will: payload of 131073 bytes (AWS IoT allows 131072 bytes)");
    CHECK(refused(check_will({"$SYS/gw", 1, 1, false}, kNone)).reason.starts_with("the Will: topic starts with '$'"));
    CHECK(refused(check_will({"a/b/c/d/e/f/g/h/i", 1, 0, false}, kNone)).kind == RefusalKind::TooManySlashes);
}

TEST_CASE("aws_unacknowledged_window_is_at_most_100", "[unit][bridge][aws]") {
    CHECK(unacknowledged_window(1) == 1);
    CHECK(unacknowledged_window(32) == 32);
    CHECK(unacknowledged_window(99) == 99);
    CHECK(unacknowledged_window(100) == 100);
    CHECK(unacknowledged_window(101) == 100);
    CHECK(unacknowledged_window(65535) == 100);
}

TEST_CASE("aws_rate_constants_are_the_documented_ones", "[unit][bridge][aws]") {
    CHECK(kMaxPublishesPerSecond == 100);
    CHECK(kMaxBytesPerSecond == 524288);
    CHECK(kMaxQos == 1);
}

TEST_CASE("aws_keep_alive_must_be_30_to_1200_seconds", "[unit][bridge][aws]") {
    CHECK(check_keep_alive(seconds{0}) == "must be 30 to 1200 seconds for AWS IoT Core");
    CHECK(check_keep_alive(seconds{29}));
    CHECK_FALSE(check_keep_alive(seconds{30}));
    CHECK_FALSE(check_keep_alive(seconds{60}));
    CHECK_FALSE(check_keep_alive(seconds{1200}));
    CHECK(check_keep_alive(seconds{1201}));
}

TEST_CASE("aws_client_id_is_1_to_128_bytes_of_utf8", "[unit][bridge][aws]") {
    CHECK(check_client_id(""));
    CHECK_FALSE(check_client_id("gw-hall7"));
    CHECK_FALSE(check_client_id(std::string(128, 'a')));
    CHECK(check_client_id(std::string(129, 'a')) == "is 129 bytes long; AWS IoT Core allows 128 bytes");
    CHECK(check_client_id("gw\xFF") == "is not valid UTF-8");
}

TEST_CASE("aws_endpoint_is_a_host_name_on_8883_or_443_with_alpn", "[unit][bridge][aws]") {
    const std::string host = "a1b2c3-ats.iot.eu-west-1.amazonaws.com";
    const std::vector<std::string> alpn{"x-amzn-mqtt-ca"};
    CHECK_FALSE(check_endpoint(host, 8883, {}));
    CHECK_FALSE(check_endpoint(host, 443, alpn));
    CHECK_FALSE(check_endpoint(host, 443, {"h2", "x-amzn-mqtt-ca"}));
    CHECK(check_endpoint(host, 443, {}) == "port 443 needs alpn = [\"x-amzn-mqtt-ca\"] for AWS IoT Core");
    CHECK(check_endpoint(host, 443, {"mqtt"}));  // custom authentication, not a client certificate
    CHECK(check_endpoint(host, 1883, {}));
    CHECK(check_endpoint(host, 8443, alpn));
    CHECK(check_endpoint("52.1.2.3", 8883, {}));
    CHECK(check_endpoint("[2001:db8::1]", 8883, {}));
    CHECK(check_endpoint("2001:db8::1", 443, alpn));
}
