#include <catch2/catch.hpp>

#include "bridge/profiles/aws_iot_profile.h"
#include "bridge/profiles/huawei_credentials.h"
#include "bridge/profiles/huawei_iotda_profile.h"

using wg::bridge::BridgeSettings;
using wg::broker::OutboxRow;

namespace {

class RecordingSink final : public wg::bridge::ProfileSink {
public:
    void publish_local(wg::broker::LocalMessage message) override { local.push_back(std::move(message)); }
    void send_to_cloud(wg::broker::OutboxEntry entry) override { cloud.push_back(std::move(entry)); }
    void report_error(std::string text) override { errors.push_back(std::move(text)); }
    void resend_liveness(const std::string& client_id) override { resent.push_back(client_id); }
    std::vector<std::string> resent;
    std::vector<wg::broker::LocalMessage> local;
    std::vector<wg::broker::OutboxEntry> cloud;
    std::vector<std::string> errors;
};

BridgeSettings settings_for(std::string address) {
    BridgeSettings settings;
    settings.name = "cloud";
    settings.addresses = {std::move(address)};
    return settings;
}

wg::bridge::aws::AwsIotProfile aws_profile() {
    return wg::bridge::aws::AwsIotProfile{{"gw-thing", true, wg::bridge::aws::ShadowMode::NamedShadowOfGateway, ""}};
}

wg::bridge::huawei::HuaweiIotdaProfile iotda_profile() {
    wg::bridge::huawei::HuaweiIotdaSettings settings;
    settings.device_id = "gw_1";
    settings.secret = "secret";
    settings.devices.template_text = "{client_id}";
    settings.devices.table = {{"meter-1", "sub_meter_1"}};
    settings.telemetry = {{"devices/+/telemetry", "{1}", "Sensor"}};
    return wg::bridge::huawei::HuaweiIotdaProfile{settings};
}

}  // namespace

TEST_CASE("aws_profile_applies_the_connection_rules_and_limits", "[unit][bridge]") {
    auto profile = aws_profile();
    BridgeSettings settings = settings_for("ssl://abc-ats.iot.eu-west-1.amazonaws.com:443");
    settings.cert_file = "gw.pem";
    settings.keep_alive = std::chrono::seconds{10};
    settings.max_inflight = 500;
    settings.max_messages_per_second = 20;  // lower than AWS's: kept
    settings.will = {"gateways/gw/status", "offline", 2, true};
    const auto warnings = profile.adjust(settings);
    CHECK(settings.client_id == "gw-thing");
    CHECK(settings.alpn == std::vector<std::string>{"x-amzn-mqtt-ca"});
    CHECK(settings.keep_alive == std::chrono::seconds{30});
    CHECK(settings.max_inflight == 100);
    CHECK(settings.max_messages_per_second == 20);
    CHECK(settings.max_bytes_per_second == 512 * 1024);
    CHECK(settings.will.qos == 1);
    CHECK(warnings.size() == 2);  // keep-alive and the Will's QoS
}

TEST_CASE("aws_profile_guards_each_message_before_it_is_sent", "[unit][bridge]") {
    const auto profile = aws_profile();
    OutboxRow row{1, "telemetry/gw/k1", "21.5", 2, true, 0};
    CHECK_FALSE(profile.guard(row));
    CHECK(row.qos == 1);
    CHECK(row.retain);
    OutboxRow reserved{2, "$aws/things/other/shadow/update", "{}", 1, false, 0};
    CHECK(profile.guard(reserved));
    OutboxRow shadow{3, "$aws/things/gw-thing/shadow/name/meter-1/update", "{}", 1, true, 0};
    CHECK_FALSE(profile.guard(shadow));
    CHECK_FALSE(shadow.retain);  // never retained on a reserved topic
    OutboxRow big{4, "t", std::string(128 * 1024 + 1, 'x'), 1, false, 0};
    CHECK(profile.guard(big));
}

TEST_CASE("aws_profile_reads_shadow_replies_and_surfaces_rejections", "[unit][bridge]") {
    auto profile = aws_profile();
    RecordingSink sink;
    const auto filters = profile.subscriptions();
    REQUIRE(filters.size() == 2);
    CHECK(profile.on_cloud_message("$aws/things/gw-thing/shadow/name/meter-1/update/accepted",
                                   R"({"state":{},"version":3})", sink));
    CHECK(sink.errors.empty());
    CHECK(profile.on_cloud_message("$aws/things/gw-thing/shadow/name/meter-1/update/rejected",
                                   R"({"code":429,"message":"Too Many Requests"})", sink));
    REQUIRE(sink.errors.size() == 1);
    CHECK(sink.errors[0].find("meter-1") != std::string::npos);
    CHECK(sink.errors[0].find("429") != std::string::npos);
    CHECK(sink.resent == std::vector<std::string>{"meter-1"});  // throttled: sent again
    CHECK(profile.on_cloud_message("$aws/things/gw-thing/shadow/name/meter-2/update/rejected",
                                   R"({"code":400,"message":"Missing required node: state"})", sink));
    CHECK(sink.errors.size() == 2);
    CHECK(sink.resent.size() == 1);  // a bad request is not sent again
    CHECK_FALSE(profile.on_cloud_message("cmd/gw-thing/x", "{}", sink));  // the downlink rules' business
}

TEST_CASE("iotda_profile_computes_fresh_credentials_for_each_attempt", "[unit][bridge]") {
    auto profile = iotda_profile();
    BridgeSettings settings = settings_for("ssl://iot-mqtts.cn-north-4.myhuaweicloud.com:8883");
    settings.will = {"gw/status", "offline", 1, true};
    const auto warnings = profile.adjust(settings);
    CHECK(settings.will.topic.empty());  // IoTDA has no Will
    CHECK(settings.max_messages_per_second == 50);
    CHECK(warnings.size() == 1);
    const std::int64_t at = 1767268800000;  // 2026-01-01T12:00:00Z
    const auto fresh = profile.connect_settings(settings, at);
    REQUIRE(fresh);
    const auto expected = wg::bridge::huawei::iotda_credentials("gw_1", "secret", "2026010112", true);
    CHECK(fresh->client_id == expected.client_id);
    CHECK(fresh->username == "gw_1");
    CHECK(fresh->password == expected.password);
    CHECK(profile.connect_settings(settings, at + 3600 * 1000)->client_id != fresh->client_id);
}

TEST_CASE("iotda_profile_wraps_telemetry_and_answers_commands", "[unit][bridge]") {
    const auto profile = iotda_profile();
    const std::string topic = "devices/meter-1/telemetry";
    const std::string payload = R"({"temp":21.5})";
    const auto report = profile.translate(wg::broker::TappedMessage{topic, payload, 2, true, false}, 1000);
    REQUIRE(report);
    CHECK(report->topic == "$oc/devices/gw_1/sys/gateway/sub_devices/properties/report");
    CHECK(report->payload.find(R"("device_id":"sub_meter_1")") != std::string::npos);
    CHECK(report->payload.find(R"("properties":{"temp":21.5})") != std::string::npos);
    CHECK(report->qos == 1);
    CHECK_FALSE(report->retain);

    const std::string response_topic = "devices/meter-1/commands/7/response";
    const std::string answer = R"({"result_code":0})";
    const auto response = profile.translate(wg::broker::TappedMessage{response_topic, answer, 1, false, false}, 1000);
    REQUIRE(response);
    CHECK(response->topic == "$oc/devices/gw_1/sys/commands/response/request_id=7");
    CHECK(response->payload == answer);
    const std::string empty;
    CHECK_FALSE(profile.translate(wg::broker::TappedMessage{topic, empty, 1, false, false}, 1000));  // nothing to report
    const std::string not_utf8 = "\xff\xfe";
    CHECK_FALSE(profile.translate(wg::broker::TappedMessage{topic, not_utf8, 1, false, false}, 1000));
    const std::string bare = "21.5";
    const auto wrapped = profile.translate(wg::broker::TappedMessage{topic, bare, 1, false, false}, 1000);
    REQUIRE(wrapped);
    CHECK(wrapped->payload.find(R"("properties":{"value":21.5})") != std::string::npos);
    const std::string other = "other/topic";
    CHECK_FALSE(profile.translate(wg::broker::TappedMessage{other, answer, 1, false, false}, 1000));

    auto receiving = iotda_profile();
    RecordingSink sink;
    CHECK(receiving.on_cloud_message("$oc/devices/gw_1/sys/commands/request_id=7",
                                     R"({"object_device_id":"sub_meter_1","service_id":"Valve","command_name":"open","paras":{"level":3}})",
                                     sink));
    REQUIRE(sink.local.size() == 1);
    CHECK(sink.local[0].topic == "devices/meter-1/commands/7");
    CHECK(sink.local[0].payload == R"({"service_id":"Valve","command_name":"open","paras":{"level":3}})");
    CHECK(receiving.on_cloud_message("$oc/devices/gw_1/sys/commands/request_id=8", "not json", sink));
    REQUIRE(sink.cloud.size() == 1);
    CHECK(sink.cloud[0].topic == "$oc/devices/gw_1/sys/commands/response/request_id=8");
    CHECK(sink.cloud[0].payload.find(R"("result_code":1)") != std::string::npos);
    CHECK(sink.errors.size() == 1);
}
