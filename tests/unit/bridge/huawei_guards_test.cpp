#include <catch2/catch.hpp>

#include <string>
#include <variant>

#include "bridge/profiles/huawei_guards.h"

using namespace wg::bridge::huawei;

namespace {

CloudPublish accepted(CloudPublish message) {
    auto result = guard_publish(std::move(message));
    REQUIRE(std::holds_alternative<CloudPublish>(result));
    return std::get<CloudPublish>(std::move(result));
}

std::string refused(CloudPublish message) {
    const auto result = guard_publish(std::move(message));
    REQUIRE(std::holds_alternative<Refusal>(result));
    return std::get<Refusal>(result).reason;
}

const std::string kReport = "$oc/devices/gw/sys/gateway/sub_devices/properties/report";

}  // namespace

TEST_CASE("guard_caps_qos_at_1_and_clears_retain", "[unit][bridge][huawei]") {
    for (std::uint8_t qos = 0; qos <= 2; ++qos) {
        const CloudPublish out = accepted({kReport, "{}", qos, true});
        CHECK(out.qos == std::min<std::uint8_t>(qos, 1));
        CHECK_FALSE(out.retain);
        CHECK(out.topic == kReport);
        CHECK(out.payload == "{}");
    }
}

TEST_CASE("guard_refuses_messages_above_1_mb", "[unit][bridge][huawei]") {
    const std::size_t room = kMaxMessageBytes - kReport.size();
    CHECK(accepted({kReport, std::string(room, 'x'), 1, false}).payload.size() == room);
    CHECK(refused({kReport, std::string(room + 1, 'x'), 1, false}).find("at most 1 MB") != std::string::npos);
    CHECK(kMaxMessageBytes == 1'000'000);
}

TEST_CASE("guard_refuses_bad_topics", "[unit][bridge][huawei]") {
    CHECK(refused({"", "{}", 0, false}) == "the topic is empty");
    CHECK(refused({"a/+/b", "{}", 0, false}).find("wildcard") != std::string::npos);
    CHECK(refused({"a/#", "{}", 0, false}).find("wildcard") != std::string::npos);
    // Custom topics: at most 128 bytes. System topics may be longer (a 128-character device id).
    accepted({std::string(128, 'c'), "{}", 0, false});
    CHECK(refused({std::string(129, 'c'), "{}", 0, false}).find("128 bytes") != std::string::npos);
    accepted({"$oc/devices/" + std::string(128, 'g') + "/sys/events/up", "{}", 0, false});
}

TEST_CASE("keep_alive_must_be_30_to_1200_seconds", "[unit][bridge][huawei]") {
    CHECK(check_keep_alive(0));
    CHECK(check_keep_alive(29));
    CHECK_FALSE(check_keep_alive(30));
    CHECK_FALSE(check_keep_alive(kRecommendedKeepAliveSeconds));
    CHECK_FALSE(check_keep_alive(1200));
    CHECK(check_keep_alive(1201)->find("30 to 1200") != std::string::npos);
}

TEST_CASE("the_cloud_connection_has_no_will", "[unit][bridge][huawei]") {
    CHECK_FALSE(check_no_will(""));
    CHECK(check_no_will("gateways/gw/status")->find("Will") != std::string::npos);
}

TEST_CASE("iotda_limits_as_documented", "[unit][bridge][huawei]") {
    CHECK(kMaxUpstreamMessagesPerSecond == 50);
    CHECK(kMaxQos == 1);
    CHECK(kMqttPort == 1883);
    CHECK(kMqttsPort == 8883);
}
