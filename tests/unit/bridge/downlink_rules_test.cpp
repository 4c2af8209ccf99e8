#include <catch2/catch.hpp>

#include "bridge/downlink_rules.h"

using wg::bridge::DownlinkRules;

TEST_CASE("downlink_maps_cloud_topics_to_local_ones_with_captures", "[unit][bridge]") {
    const DownlinkRules rules{{{"cmd/gw1/+/set", "devices/{1}/set", 1, false}, {"broadcast/#", "{topic}", 0, true}}};
    const auto command = rules.match("cmd/gw1/valve-7/set", 1, true);
    REQUIRE(command);
    CHECK(command->topic == "devices/valve-7/set");
    CHECK(command->qos == 1);
    CHECK_FALSE(command->retain);  // retain = false drops the flag
    const auto broadcast = rules.match("broadcast/all", 1, true);
    REQUIRE(broadcast);
    CHECK(broadcast->topic == "broadcast/all");
    CHECK(broadcast->qos == 0);  // capped
    CHECK(broadcast->retain);
}

TEST_CASE("downlink_ignores_what_no_rule_subscribed_to", "[unit][bridge]") {
    const DownlinkRules rules{{{"cmd/gw1/#", "local/{1}", 1, false}}};
    CHECK_FALSE(rules.match("cmd/gw2/x", 1, false));
    CHECK_FALSE(rules.match("$aws/things/x/shadow/update/accepted", 1, false));
    CHECK(rules.rules().size() == 1);
}
