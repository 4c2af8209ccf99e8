#include <catch2/catch.hpp>

#include <stdexcept>

#include "bridge/profiles/hmac.h"
#include "bridge/profiles/huawei_credentials.h"

using namespace wg::bridge::huawei;

TEST_CASE("iotda_password_matches_huaweis_published_example", "[unit][bridge][huawei]") {
    // Secret 12345678 at 2025041401: the example in Huawei's "设备连接鉴权" page.
    const IotdaCredentials credentials = iotda_credentials("dev_1", "12345678", "2025041401");
    CHECK(credentials.password == "c75150e6cb841417396819e4d2ee4358a416344a03a083e3a8567074ddec820a");
    // Key = the timestamp, message = the secret (not the other way round).
    CHECK(credentials.password == wg::bridge::hmac_sha256_hex("2025041401", "12345678"));
    CHECK(credentials.password != wg::bridge::hmac_sha256_hex("12345678", "2025041401"));
}

TEST_CASE("iotda_client_id_carries_the_sign_type_and_timestamp", "[unit][bridge][huawei]") {
    const IotdaCredentials checked = iotda_credentials("5f052ac562369102d42b0fb6_gw1", "s3cret", "2019122614", true);
    CHECK(checked.client_id == "5f052ac562369102d42b0fb6_gw1_0_1_2019122614");
    CHECK(checked.username == "5f052ac562369102d42b0fb6_gw1");
    const IotdaCredentials unchecked = iotda_credentials("5f052ac562369102d42b0fb6_gw1", "s3cret", "2019122614", false);
    CHECK(unchecked.client_id == "5f052ac562369102d42b0fb6_gw1_0_0_2019122614");
    CHECK(unchecked.password == checked.password);  // the sign type does not change the password
    CHECK(iotda_credentials("d", "s", "2019122614").client_id == "d_0_1_2019122614");  // default: checked
    CHECK(kDefaultCheckTimestamp);
}

TEST_CASE("iotda_timestamp_is_the_utc_hour", "[unit][bridge][huawei]") {
    CHECK(iotda_timestamp(1532454980000) == "2018072417");  // 2018-07-24 17:56:20 UTC, Huawei's example
    CHECK(iotda_timestamp(0) == "1970010100");
    CHECK(iotda_timestamp(1709251199999) == "2024022923");  // the last millisecond of a leap day
    CHECK(iotda_timestamp(1709251200000) == "2024030100");
    CHECK(iotda_timestamp(-1) == "1969123123");
}

TEST_CASE("iotda_timestamps_are_checked", "[unit][bridge][huawei]") {
    CHECK_FALSE(check_iotda_timestamp("2018072417"));
    CHECK_FALSE(check_iotda_timestamp("2024022900"));
    CHECK_FALSE(check_iotda_timestamp("2000022923"));
    CHECK(check_iotda_timestamp("2023022900"));  // not a leap year
    CHECK(check_iotda_timestamp("1900022900"));  // nor is 1900
    CHECK(check_iotda_timestamp("2018132417")->find("month 13") != std::string::npos);
    CHECK(check_iotda_timestamp("2018073217"));
    CHECK(check_iotda_timestamp("2018070017"));
    CHECK(check_iotda_timestamp("2018072424")->find("hour 24") != std::string::npos);
    CHECK(check_iotda_timestamp("201807241"));
    CHECK(check_iotda_timestamp("20180724170"));
    CHECK(check_iotda_timestamp("2018-07-24"));
    CHECK(check_iotda_timestamp(""));
    CHECK_THROWS_AS(iotda_credentials("d", "s", "2018072424"), std::invalid_argument);
}

TEST_CASE("iotda_device_ids_are_checked", "[unit][bridge][huawei]") {
    CHECK_FALSE(check_device_id("5f052ac562369102d42b0fb6_node-1"));
    CHECK_FALSE(check_device_id(std::string(128, 'a')));
    CHECK(check_device_id(std::string(129, 'a')));
    CHECK(check_device_id(""));
    CHECK(check_device_id("has space"));
    CHECK(check_device_id("slash/ed"));
    CHECK(check_device_id("dev.1"));
}
