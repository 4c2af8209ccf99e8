#include <catch2/catch.hpp>

#include "bridge/profiles/huawei_topics.h"

using namespace wg::bridge::huawei;

TEST_CASE("iotda_topics_of_the_gateway", "[unit][bridge][huawei]") {
    CHECK(events_up_topic("gw_1") == "$oc/devices/gw_1/sys/events/up");
    CHECK(properties_report_topic("gw_1") == "$oc/devices/gw_1/sys/gateway/sub_devices/properties/report");
    CHECK(commands_filter("gw_1") == "$oc/devices/gw_1/sys/commands/#");
    CHECK(command_response_topic("gw_1", "b1224afb-e9f0") == "$oc/devices/gw_1/sys/commands/response/request_id=b1224afb-e9f0");
}

TEST_CASE("command_topics_give_their_request_id", "[unit][bridge][huawei]") {
    CHECK(command_request_id("$oc/devices/gw_1/sys/commands/request_id=b1224afb-e9f0", "gw_1") == "b1224afb-e9f0");
    CHECK_FALSE(command_request_id("$oc/devices/gw_2/sys/commands/request_id=x", "gw_1"));  // another device
    CHECK_FALSE(command_request_id("$oc/devices/gw_1/sys/commands/request_id=", "gw_1"));   // empty id
    CHECK_FALSE(command_request_id("$oc/devices/gw_1/sys/commands/request_id=a/b", "gw_1"));
    CHECK_FALSE(command_request_id("$oc/devices/gw_1/sys/commands/response/request_id=x", "gw_1"));
    CHECK_FALSE(command_request_id("$oc/devices/gw_1/sys/messages/down", "gw_1"));
    CHECK_FALSE(command_request_id("$oc/devices/gw_10/sys/commands/request_id=x", "gw_1"));
}
