#include <catch2/catch.hpp>

#include <string>
#include <string_view>

#include "config/config.h"
#include "config/config_error.h"
#include "config/config_loader.h"

namespace {

using wg::config::ConfigError;

std::string parse_error(std::string_view text) {
    try {
        wg::config::parse_config(text, "test.toml");
    } catch (const ConfigError& error) {
        return error.what();
    }
    FAIL("parse_config accepted:\n" << text);
    return "";
}

}  // namespace

TEST_CASE("a_bridge_with_forward_rules_is_read_with_its_defaults", "[unit][config]") {
    const auto config = wg::config::parse_config(R"(
[[bridge]]
name = "cloud"
address = ["tcp://a.example:1883", "tcp://b.example:1883"]
will_topic = "gw/status"
will_payload = "offline"

[[bridge.forward]]
local = "sensors/+/temp"
remote = "site1/{1}/t"

[[bridge.forward]]
local = "#"
qos = 0
retain = false
)", "test.toml");
    REQUIRE(config.bridges.size() == 1);
    const auto& bridge = config.bridges[0];
    CHECK(bridge.addresses.size() == 2);
    CHECK(bridge.client_id == "willgate-cloud");
    CHECK(bridge.mqtt_version == "3.1.1");
    CHECK(bridge.verify);
    CHECK(bridge.max_inflight == 256);
    CHECK(bridge.reconnect_initial_ms == 500);
    CHECK(bridge.reconnect_max_ms == 10000);
    REQUIRE(bridge.forward.size() == 2);
    CHECK(bridge.forward[0].remote == "site1/{1}/t");
    CHECK(bridge.forward[1].remote == "{topic}");
    CHECK(bridge.forward[1].qos == 0);
    CHECK_FALSE(bridge.forward[1].retain);
}

TEST_CASE("bridge_configuration_errors_name_the_line_and_key", "[unit][config]") {
    CHECK(parse_error("[[bridge]]\nname = \"c\"\n\n[[bridge.forward]]\nlocal = \"#\"\n") ==
          "test.toml:1: bridge[0].address: missing");
    CHECK(parse_error("[[bridge]]\nname = \"c\"\naddress = \"http://x:1\"\n") ==
          "test.toml:3: bridge[0].address: unknown scheme \"http\" (expected tcp, mqtt, ssl or mqtts)");
    CHECK(parse_error("[[bridge]]\nname = \"c\"\naddress = \"tcp://x\"\n") ==
          "test.toml:3: bridge[0].address: expected :port after the host");
    CHECK(parse_error("[[bridge]]\nname = \"c\"\naddress = \"tcp://x:1\"\n") ==
          "test.toml:1: bridge[0].forward: the bridge has nothing to do: give it a [[bridge.forward]] rule, a "
          "[[bridge.downlink]] rule or a [bridge.liveness] topic");
    CHECK(parse_error("[[bridge]]\nname = \"c\"\naddress = \"tcp://x:1\"\n[[bridge.forward]]\nlocal = \"a/+\"\n"
                      "remote = \"b/{2}\"\n") ==
          "test.toml:6: bridge[0].forward[0].remote: {2} refers to wildcard 2, but the filter \"a/+\" has 1");
    CHECK(parse_error("[[bridge]]\nname = \"c\"\naddress = \"tcp://x:1\"\n[[bridge.forward]]\nlocal = \"a/#/b\"\n") ==
          "test.toml:5: bridge[0].forward[0].local: # must be the last level");
    CHECK(parse_error("[[bridge]]\nname = \"c\"\naddress = \"tcp://x:1\"\nmax_inflight = 0\n") ==
          "test.toml:4: bridge[0].max_inflight: must be between 1 and 65535, got 0");
    CHECK(parse_error("[[bridge]]\nname = \"c\"\naddress = \"tcp://x:1\"\nmax_inflght = 3\n") ==
          "test.toml:4: bridge[0].max_inflght: unknown key (did you mean \"max_inflight\"?)");
    CHECK(parse_error("[[bridge]]\nname = \"c\"\naddress = \"tcp://x:1\"\nserver_name = \"x\"\n").starts_with(
        "test.toml:4: bridge[0].server_name: not supported"));
    CHECK(parse_error("[[bridge]]\nname = \"c\"\naddress = \"tcp://x:1\"\nreconnect_max_ms = 200\n"
                      "[[bridge.forward]]\nlocal = \"#\"\n") ==
          "test.toml:4: bridge[0].reconnect_max_ms: must not be below reconnect_initial_ms (500)");
    CHECK(parse_error("[[bridge]]\nname = \"c\"\naddress = \"tcp://x:1\"\nalpn = [\"mqtt\"]\n"
                      "[[bridge.forward]]\nlocal = \"#\"\n") ==
          "test.toml:4: bridge[0].alpn: ALPN needs a TLS address (ssl://host:port)");
}

TEST_CASE("bridges_need_unique_names_and_the_database", "[unit][config]") {
    const std::string bridge = "[[bridge]]\nname = \"c\"\naddress = \"tcp://x:1\"\n[[bridge.forward]]\nlocal = \"#\"\n";
    CHECK(parse_error(bridge + bridge) ==
          "test.toml:7: bridge[1].name: another bridge is already called \"c\"");
    CHECK(parse_error("[storage]\ndurability = \"none\"\n" + bridge) ==
          "test.toml:3: bridge[0]: a bridge keeps its outbox in the database, which storage.durability \"none\" "
          "turns off");
}

TEST_CASE("a_bridge_with_downlink_rules_liveness_and_rate_limits_is_read", "[unit][config]") {
    const auto config = wg::config::parse_config(R"(
[[bridge]]
name = "cloud"
address = "tcp://a.example:1883"
mqtt_version = "5"
session_expiry = 3600
max_messages_per_second = 100
max_bytes_per_second = 524288

[bridge.liveness]
topic = "gw1/devices/{client_id}/status"
retain = false

[[bridge.downlink]]
remote = "cmd/gw1/+/set"
local = "devices/{1}/set"

[[bridge.downlink]]
remote = "broadcast/#"
qos = 0
retain = true
)", "test.toml");
    REQUIRE(config.bridges.size() == 1);
    const auto& bridge = config.bridges[0];
    CHECK(bridge.forward.empty());
    CHECK(bridge.session_expiry == 3600);
    CHECK(bridge.max_messages_per_second == 100);
    CHECK(bridge.max_bytes_per_second == 524288);
    CHECK(bridge.liveness.topic == "gw1/devices/{client_id}/status");
    CHECK(bridge.liveness.qos == 1);
    CHECK_FALSE(bridge.liveness.retain);
    REQUIRE(bridge.downlink.size() == 2);
    CHECK(bridge.downlink[0].local == "devices/{1}/set");
    CHECK(bridge.downlink[0].qos == 1);
    CHECK_FALSE(bridge.downlink[0].retain);
    CHECK(bridge.downlink[1].local == "{topic}");
    CHECK(bridge.downlink[1].qos == 0);
    CHECK(bridge.downlink[1].retain);
}

TEST_CASE("downlink_liveness_and_session_errors_name_the_line_and_key", "[unit][config]") {
    const std::string head = "[[bridge]]\nname = \"c\"\naddress = \"tcp://x:1\"\n";
    CHECK(parse_error(head + "[[bridge.downlink]]\nremote = \"cmd/+\"\nlocal = \"dev/{2}\"\n") ==
          "test.toml:6: bridge[0].downlink[0].local: {2} refers to wildcard 2, but the filter \"cmd/+\" has 1");
    CHECK(parse_error(head + "[[bridge.downlink]]\nlocal = \"x\"\n") ==
          "test.toml:4: bridge[0].downlink[0].remote: missing (the cloud topic filter to subscribe to)");
    CHECK(parse_error(head + "[[bridge.downlink]]\nremote = \"cmd/#/x\"\n") ==
          "test.toml:5: bridge[0].downlink[0].remote: # must be the last level");
    CHECK(parse_error(head + "[[bridge.downlink]]\nremote = \"cmd/#\"\nlocal = \"dev/+\"\n") ==
          "test.toml:6: bridge[0].downlink[0].local: a topic template cannot contain + or #");
    CHECK(parse_error(head + "[bridge.liveness]\ntopic = \"gw/{device}\"\n") ==
          "test.toml:5: bridge[0].liveness.topic: unknown placeholder at \"{device}\" (the only one is {client_id})");
    CHECK(parse_error(head + "[bridge.liveness]\nqos = 1\n") ==
          "test.toml:4: bridge[0].liveness.topic: missing (the cloud topic template, with {client_id})");
    CHECK(parse_error(head + "liveness = \"x\"\n") ==
          "test.toml:4: bridge[0].liveness: expected a table ([bridge.liveness]), got a string");
    CHECK(parse_error(head + "session_expiry = 60\n[bridge.liveness]\ntopic = \"gw/{client_id}\"\n") ==
          "test.toml:4: bridge[0].session_expiry: needs mqtt_version = \"5\" (MQTT 3.1.1 has clean_session only)");
    CHECK(parse_error(head + "max_messages_per_second = -1\n") ==
          "test.toml:4: bridge[0].max_messages_per_second: must be between 0 and 1000000, got -1");
}

TEST_CASE("cloud_profiles_are_read_with_their_tables", "[unit][config]") {
    const auto config = wg::config::parse_config(R"(
[[bridge]]
name = "aws"
profile = "aws_iot"
address = "ssl://abc-ats.iot.eu-west-1.amazonaws.com:8883"
[bridge.aws_iot]
thing_name = "hall-7"
shadow = "classic"
device_thing_prefix = "hall-7-"

[[bridge]]
name = "iotda"
profile = "huawei_iotda"
address = "ssl://iot-mqtts.cn-north-4.myhuaweicloud.com:8883"
[bridge.huawei_iotda]
device_id = "gw_0001"
secret = "s3cret"
check_timestamp = false
sub_device_id = "{gateway_id}_{client_id}"
[bridge.huawei_iotda.sub_devices]
"meter/1" = "meter_1"
[[bridge.huawei_iotda.telemetry]]
local = "devices/+/telemetry"
service_id = "Sensor"
)", "test.toml");
    REQUIRE(config.bridges.size() == 2);
    const auto& aws = config.bridges[0];
    CHECK(aws.profile == "aws_iot");
    CHECK(aws.client_id.empty());  // the thing name, set by the profile
    CHECK(aws.aws_iot.thing_name == "hall-7");
    CHECK(aws.aws_iot.shadow == "classic");
    CHECK(aws.aws_iot.device_thing_prefix == "hall-7-");
    const auto& iotda = config.bridges[1].huawei_iotda;
    CHECK(iotda.device_id == "gw_0001");
    CHECK_FALSE(iotda.check_timestamp);
    CHECK(iotda.sub_device_id == "{gateway_id}_{client_id}");
    CHECK(iotda.sub_devices.at("meter/1") == "meter_1");
    REQUIRE(iotda.telemetry.size() == 1);
    CHECK(iotda.telemetry[0].client_id == "{1}");
    CHECK(iotda.telemetry[0].service_id == "Sensor");
    CHECK(iotda.command_topic == "devices/{client_id}/commands/{request_id}");
}

TEST_CASE("cloud_profile_errors_name_the_line_and_key", "[unit][config]") {
    const std::string head = "[[bridge]]\nname = \"c\"\naddress = \"ssl://x:8883\"\n";
    CHECK(parse_error(head + "[bridge.aws_iot]\nthing_name = \"t\"\n") ==
          "test.toml:4: bridge[0].aws_iot: [bridge.aws_iot] needs profile = \"aws_iot\" (the bridge's profile is "
          "\"generic\")");
    CHECK(parse_error(head + "profile = \"azure\"\n") ==
          "test.toml:4: bridge[0].profile: unknown profile \"azure\" (expected generic, aws_iot or huawei_iotda)");
    CHECK(parse_error(head + "profile = \"aws_iot\"\n") ==
          "test.toml:1: bridge[0].aws_iot.thing_name: missing: profile \"aws_iot\" needs [bridge.aws_iot] thing_name "
          "(the gateway's thing)");
    CHECK(parse_error(head + "profile = \"aws_iot\"\n[bridge.aws_iot]\nthing_name = \"a b\"\n") ==
          "test.toml:6: bridge[0].aws_iot.thing_name: must be 1 to 128 characters out of A-Z a-z 0-9 : _ - (an AWS IoT "
          "thing name)");
    CHECK(parse_error(head + "profile = \"aws_iot\"\n[bridge.aws_iot]\nthing_name = \"t\"\nshadow = \"all\"\n")
              .starts_with("test.toml:7: bridge[0].aws_iot.shadow: expected \"named\""));
    CHECK(parse_error(head + "profile = \"huawei_iotda\"\n[bridge.huawei_iotda]\ndevice_id = \"gw\"\n") ==
          "test.toml:5: bridge[0].huawei_iotda.secret: missing: the gateway device's secret from the IoTDA console");
    CHECK(parse_error(head + "profile = \"huawei_iotda\"\n[bridge.huawei_iotda]\ndevice_id = \"gw\"\nsecret = \"s\"\n"
                             "command_topic = \"cmd/{client_id}\"\n") ==
          "test.toml:8: bridge[0].huawei_iotda.command_topic: must contain {request_id} once");
    CHECK(parse_error(head + "profile = \"huawei_iotda\"\n[bridge.huawei_iotda]\ndevice_id = \"gw\"\nsecret = \"s\"\n"
                             "[[bridge.huawei_iotda.telemetry]]\nlocal = \"d/+/t\"\nclient_id = \"{2}\"\nservice_id = \"S\"\n") ==
          "test.toml:8: bridge[0].huawei_iotda.telemetry[0].client_id: {2} refers to wildcard 2, but the filter \"d/+/t\" "
          "has 1");
    CHECK(parse_error(head + "profile = \"huawei_iotda\"\n[bridge.huawei_iotda]\ndevice_id = \"gw\"\nsecret = \"s\"\n"
                             "[bridge.huawei_iotda.sub_devices]\n\"m\" = \"bad id!\"\n") ==
          "test.toml:9: bridge[0].huawei_iotda.sub_devices.m: must be 1 to 128 characters out of A-Z a-z 0-9 _ - (an "
          "IoTDA device id)");
}
