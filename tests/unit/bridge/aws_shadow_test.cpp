#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "bridge/profiles/aws_shadow.h"

using namespace wg::bridge::aws;
using Strings = std::vector<std::string>;

namespace {

const ShadowSettings kNamed{ShadowMode::NamedShadowOfGateway, "gw-hall7", ""};
const ShadowSettings kClassic{ShadowMode::ClassicShadowPerDevice, "", "hall7-"};

}  // namespace

TEST_CASE("aws_shadow_topics_for_classic_and_named_shadows", "[unit][bridge][aws]") {
    CHECK(shadow_update_topic("meter-1", "") == "$aws/things/meter-1/shadow/update");
    CHECK(shadow_update_accepted_topic("meter-1", "") == "$aws/things/meter-1/shadow/update/accepted");
    CHECK(shadow_update_rejected_topic("meter-1", "") == "$aws/things/meter-1/shadow/update/rejected");
    CHECK(shadow_update_topic("gw", "meter-1") == "$aws/things/gw/shadow/name/meter-1/update");
    CHECK(shadow_update_accepted_topic("gw", "meter-1") == "$aws/things/gw/shadow/name/meter-1/update/accepted");
    CHECK(shadow_update_rejected_topic("gw", "meter-1") == "$aws/things/gw/shadow/name/meter-1/update/rejected");
}

TEST_CASE("aws_shadow_reply_filters_cover_every_device_of_either_mode", "[unit][bridge][aws]") {
    CHECK(shadow_reply_filters(kNamed) == Strings{"$aws/things/gw-hall7/shadow/name/+/update/accepted",
                                                  "$aws/things/gw-hall7/shadow/name/+/update/rejected"});
    CHECK(shadow_reply_filters(kClassic) ==
          Strings{"$aws/things/+/shadow/update/accepted", "$aws/things/+/shadow/update/rejected"});
}

TEST_CASE("aws_shadow_target_of_a_device_in_either_mode", "[unit][bridge][aws]") {
    const ShadowTarget named = shadow_target(kNamed, "meter.1");
    REQUIRE(named);
    CHECK(named.thing == "gw-hall7");
    CHECK(named.shadow_name == "meter_2E1");
    CHECK(shadow_update_topic(named.thing, named.shadow_name) == "$aws/things/gw-hall7/shadow/name/meter_2E1/update");

    const ShadowTarget classic = shadow_target(kClassic, "meter.1");
    REQUIRE(classic);
    CHECK(classic.thing == "hall7-meter_2E1");
    CHECK(classic.shadow_name.empty());
    CHECK(shadow_update_topic(classic.thing, classic.shadow_name) == "$aws/things/hall7-meter_2E1/shadow/update");

    CHECK_FALSE(shadow_target(kNamed, std::string(65, 'a')));
    CHECK(shadow_target(kClassic, std::string(122, 'a')));
    CHECK_FALSE(shadow_target(kClassic, std::string(123, 'a')));
}

TEST_CASE("aws_shadow_topics_are_read_back", "[unit][bridge][aws]") {
    const auto classic = parse_shadow_topic("$aws/things/meter-1/shadow/update/accepted");
    REQUIRE(classic);
    CHECK(classic->thing == "meter-1");
    CHECK(classic->shadow_name.empty());
    CHECK(classic->kind == ShadowTopicKind::UpdateAccepted);

    const auto named = parse_shadow_topic("$aws/things/gw/shadow/name/meter_2E1/update/rejected");
    REQUIRE(named);
    CHECK(named->thing == "gw");
    CHECK(named->shadow_name == "meter_2E1");
    CHECK(named->kind == ShadowTopicKind::UpdateRejected);

    CHECK(parse_shadow_topic("$aws/things/gw/shadow/name/n/update")->kind == ShadowTopicKind::Update);

    for (const char* other :
         {"$aws/things/gw/shadow/get", "$aws/things/gw/shadow/update/delta", "$aws/things/gw/shadow/update/documents",
          "$aws/things/gw/shadow/name/n/update/documents", "$aws/things/gw/shadow/name/n", "$aws/things/gw/shadow",
          "$aws/things/gw", "$aws/things/gw/shadow/update/", "$aws/things//shadow/update",
          "$aws/things/a b/shadow/update", "$aws/things/gw/shadow/name//update", "$aws/things/gw/shadow/name/+/update",
          "$aws/things/gw/jobs/get", "things/gw/shadow/update", "$aws/rules/r/shadow/update"}) {
        INFO(other);
        CHECK_FALSE(parse_shadow_topic(other));
    }
    const std::string thing_129 = "$aws/things/" + std::string(129, 'a') + "/shadow/update";
    CHECK_FALSE(parse_shadow_topic(thing_129));
    const std::string shadow_65 = "$aws/things/gw/shadow/name/" + std::string(65, 'a') + "/update";
    CHECK_FALSE(parse_shadow_topic(shadow_65));
}

TEST_CASE("aws_only_the_devices_shadow_update_topics_are_publishable", "[unit][bridge][aws]") {
    CHECK(is_device_shadow_update_topic(kNamed, "$aws/things/gw-hall7/shadow/name/meter-1/update"));
    CHECK_FALSE(is_device_shadow_update_topic(kNamed, "$aws/things/other/shadow/name/meter-1/update"));
    CHECK_FALSE(is_device_shadow_update_topic(kNamed, "$aws/things/gw-hall7/shadow/update"));
    CHECK_FALSE(is_device_shadow_update_topic(kNamed, "$aws/things/gw-hall7/shadow/name/meter-1/update/accepted"));
    CHECK_FALSE(is_device_shadow_update_topic(kNamed, "$aws/things/gw-hall7/shadow/name/a_2e/update"));

    CHECK(is_device_shadow_update_topic(kClassic, "$aws/things/hall7-meter-1/shadow/update"));
    CHECK_FALSE(is_device_shadow_update_topic(kClassic, "$aws/things/hall7-/shadow/update"));
    CHECK_FALSE(is_device_shadow_update_topic(kClassic, "$aws/things/hall8-meter-1/shadow/update"));
    CHECK_FALSE(is_device_shadow_update_topic(kClassic, "$aws/things/hall7-meter-1/shadow/name/x/update"));
}

TEST_CASE("aws_shadow_replies_name_their_device", "[unit][bridge][aws]") {
    const auto named = shadow_reply(kNamed, "$aws/things/gw-hall7/shadow/name/meter_2E1/update/accepted");
    REQUIRE(named);
    CHECK(named->client_id == "meter.1");
    CHECK(named->accepted);

    const auto classic = shadow_reply(kClassic, "$aws/things/hall7-meter_2E1/shadow/update/rejected");
    REQUIRE(classic);
    CHECK(classic->client_id == "meter.1");
    CHECK_FALSE(classic->accepted);

    CHECK_FALSE(shadow_reply(kClassic, "$aws/things/elsewhere/shadow/update/accepted"));  // matched by the '+' filter
    CHECK_FALSE(shadow_reply(kNamed, "$aws/things/other/shadow/name/m/update/accepted"));
    CHECK_FALSE(shadow_reply(kNamed, "$aws/things/gw-hall7/shadow/name/m/update"));
    CHECK_FALSE(shadow_reply(kNamed, "devices/m/status"));
}

TEST_CASE("aws_the_longest_shadow_topics_stay_within_the_broker_limits", "[unit][bridge][aws]") {
    const std::string thing(kMaxThingNameBytes, 't');
    const std::string shadow(kMaxShadowNameBytes, 's');
    for (const std::string& topic : {shadow_update_topic(thing, shadow), shadow_update_accepted_topic(thing, shadow),
                                     shadow_update_rejected_topic(thing, shadow)}) {
        INFO(topic);
        CHECK(topic.size() <= 256);                                  // AWS IoT's topic size
        CHECK(std::count(topic.begin(), topic.end(), '/') <= 7);     // and slashes
    }
    CHECK(shadow_update_accepted_topic(thing, shadow).size() == 233);
}
