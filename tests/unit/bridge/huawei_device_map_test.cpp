#include <catch2/catch.hpp>

#include <string>

#include "bridge/profiles/huawei_device_map.h"

using namespace wg::bridge::huawei;

namespace {

DeviceMap make(DeviceMapSettings settings) {
    const auto problem = check_device_map(settings);
    INFO(problem.value_or(""));
    REQUIRE_FALSE(problem);
    return DeviceMap{std::move(settings)};
}

}  // namespace

TEST_CASE("device_map_table_maps_both_ways", "[unit][bridge][huawei]") {
    const DeviceMap map = make({"gw", {{"pump", "prod_p1"}, {"fan", "prod_f1"}}, ""});
    CHECK(map.sub_device_id("pump") == "prod_p1");
    CHECK(map.sub_device_id("fan") == "prod_f1");
    CHECK_FALSE(map.sub_device_id("other"));  // no template: not reported
    CHECK(map.client_id("prod_p1") == "pump");
    CHECK_FALSE(map.client_id("prod_x"));
}

TEST_CASE("device_map_template_maps_both_ways", "[unit][bridge][huawei]") {
    const DeviceMap map = make({"gw7", {}, "{gateway_id}_{client_id}"});
    CHECK(map.sub_device_id("sensor-1") == "gw7_sensor-1");
    CHECK(map.client_id("gw7_sensor-1") == "sensor-1");
    CHECK_FALSE(map.client_id("gw8_sensor-1"));
    CHECK_FALSE(map.client_id("gw7_"));  // no client id left

    const DeviceMap plain = make({"gw7", {}, "{client_id}"});
    CHECK(plain.sub_device_id("sensor-1") == "sensor-1");
    CHECK(plain.client_id("sensor-1") == "sensor-1");

    const DeviceMap product = make({"gw7", {}, "6543a1b2c3_{client_id}_x"});
    CHECK(product.sub_device_id("n1") == "6543a1b2c3_n1_x");
    CHECK(product.client_id("6543a1b2c3_n1_x") == "n1");
    CHECK_FALSE(product.client_id("6543a1b2c3_n1_y"));
}

TEST_CASE("device_map_table_wins_over_the_template", "[unit][bridge][huawei]") {
    const DeviceMap map = make({"gw", {{"pump", "hall7_p1"}}, "hall7_{client_id}"});
    CHECK(map.sub_device_id("pump") == "hall7_p1");
    CHECK(map.sub_device_id("fan") == "hall7_fan");
    CHECK(map.client_id("hall7_p1") == "pump");  // the table, though the template would say "p1"
    CHECK(map.client_id("hall7_fan") == "fan");
    // "pump" is hall7_p1, so hall7_pump reaches no one.
    CHECK_FALSE(map.client_id("hall7_pump"));
}

TEST_CASE("device_map_refuses_ids_iotda_would_refuse", "[unit][bridge][huawei]") {
    const DeviceMap map = make({"gw", {}, "{client_id}"});
    CHECK_FALSE(map.sub_device_id("has space"));
    CHECK_FALSE(map.sub_device_id("a/b"));
    CHECK_FALSE(map.sub_device_id(""));
    CHECK_FALSE(map.sub_device_id(std::string(129, 'a')));
    CHECK_FALSE(map.client_id("has space"));
    // The gateway's own id is never a sub-device.
    CHECK_FALSE(map.sub_device_id("gw"));
    CHECK_FALSE(map.client_id("gw"));
}

TEST_CASE("device_map_settings_are_checked", "[unit][bridge][huawei]") {
    CHECK_FALSE(check_device_map({"gw", {}, ""}));
    CHECK(check_device_map({"", {}, ""})->find("gateway id") != std::string::npos);
    CHECK(check_device_map({"gw", {{"a", "x"}, {"b", "x"}}, ""})->find("more than one client") != std::string::npos);
    CHECK(check_device_map({"gw", {{"a", "gw"}}, ""}));
    CHECK(check_device_map({"gw", {{"a", "bad id"}}, ""})->find("\"bad id\"") != std::string::npos);
    CHECK(check_device_map({"gw", {}, "{gateway_id}"})->find("exactly once") != std::string::npos);
    CHECK(check_device_map({"gw", {}, "{client_id}{client_id}"})->find("exactly once") != std::string::npos);
    CHECK(check_device_map({"gw", {}, "{product}_{client_id}"})->find("\"{product}\"") != std::string::npos);
    CHECK_FALSE(check_device_map({"gw", {}, "{gateway_id}-{client_id}-{gateway_id}"}));
}
