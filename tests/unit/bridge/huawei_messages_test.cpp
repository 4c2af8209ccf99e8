#include <catch2/catch.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <string>
#include <variant>
#include <vector>

#include "bridge/profiles/huawei_messages.h"

using namespace wg::bridge::huawei;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

constexpr std::int64_t kNow = 1700000000123;  // 2023-11-14 22:13:20.123 UTC

Object::Ptr parse(const std::string& text) {
    Poco::JSON::Parser parser;
    return parser.parse(text).extract<Object::Ptr>();
}

std::string device_id(int i) { return "dev-" + std::to_string(i); }

std::string properties_of(std::string_view payload) {
    const auto result = telemetry_properties(payload);
    REQUIRE(std::holds_alternative<std::string>(result));
    return std::get<std::string>(result);
}

std::string refusal_of(std::string_view payload) {
    const auto result = telemetry_properties(payload);
    REQUIRE(std::holds_alternative<Refusal>(result));
    return std::get<Refusal>(result).reason;
}

}  // namespace

TEST_CASE("event_time_is_the_compact_utc_form", "[unit][bridge][huawei]") {
    CHECK(iotda_event_time(kNow) == "20231114T221320Z");
    CHECK(iotda_event_time(0) == "19700101T000000Z");
}

TEST_CASE("status_event_has_the_documented_shape", "[unit][bridge][huawei]") {
    const std::vector<SubDeviceStatus> statuses{{"bf40f0c4", true, kNow - 5}, {"4459c0f7", false, kNow - 4}};
    const auto events = status_update_events("gw_1", statuses, kNow);
    REQUIRE(events.size() == 1);
    CHECK(events[0] ==
          R"({"object_device_id":"gw_1","services":[{"service_id":"$sub_device_manager",)"
          R"("event_type":"sub_device_update_status","event_time":"20231114T221320Z",)"
          R"("paras":{"device_statuses":[{"device_id":"bf40f0c4","status":"ONLINE"},)"
          R"({"device_id":"4459c0f7","status":"OFFLINE"}]}}]})");
    CHECK(parse(events[0])->has("services"));  // valid JSON
}

TEST_CASE("status_events_hold_at_most_100_devices", "[unit][bridge][huawei]") {
    CHECK(status_update_events("gw", {}, kNow).empty());
    std::vector<SubDeviceStatus> statuses;
    for (int i = 0; i < 250; ++i) {
        statuses.push_back({device_id(i), i % 2 == 0, kNow});
    }
    const auto events = status_update_events("gw", statuses, kNow);
    REQUIRE(events.size() == 3);
    std::vector<std::size_t> sizes;
    int next = 0;
    for (const std::string& event : events) {
        const auto service = parse(event)->getArray("services")->getObject(0);
        const auto list = service->getObject("paras")->getArray("device_statuses");
        sizes.push_back(list->size());
        for (std::size_t i = 0; i < list->size(); ++i, ++next) {
            CHECK(list->getObject(static_cast<unsigned>(i))->getValue<std::string>("device_id") == device_id(next));
        }
    }
    CHECK(sizes == std::vector<std::size_t>{100, 100, 50});
}

TEST_CASE("status_events_report_each_device_once_with_its_latest_status", "[unit][bridge][huawei]") {
    const std::vector<SubDeviceStatus> statuses{{"a", true, 10}, {"b", true, 11}, {"a", false, 12},
                                                {"b", false, 5},  // older than b's first
                                                {"c", true, 20},  {"c", false, 20}};  // same time: the later
    const auto events = status_update_events("gw", statuses, kNow);
    REQUIRE(events.size() == 1);
    const auto list = parse(events[0])->getArray("services")->getObject(0)->getObject("paras")->getArray("device_statuses");
    REQUIRE(list->size() == 3);
    CHECK(list->getObject(0)->getValue<std::string>("device_id") == "a");
    CHECK(list->getObject(0)->getValue<std::string>("status") == "OFFLINE");
    CHECK(list->getObject(1)->getValue<std::string>("device_id") == "b");
    CHECK(list->getObject(1)->getValue<std::string>("status") == "ONLINE");
    CHECK(list->getObject(2)->getValue<std::string>("status") == "OFFLINE");
}

TEST_CASE("status_events_escape_device_ids", "[unit][bridge][huawei]") {
    const std::vector<SubDeviceStatus> statuses{{"q\"uote\\back\nline", true, 1}};
    const auto events = status_update_events("g\"w", statuses, kNow);
    REQUIRE(events.size() == 1);
    const auto object = parse(events[0]);
    CHECK(object->getValue<std::string>("object_device_id") == "g\"w");
    const auto list = object->getArray("services")->getObject(0)->getObject("paras")->getArray("device_statuses");
    CHECK(list->getObject(0)->getValue<std::string>("device_id") == "q\"uote\\back\nline");
}

TEST_CASE("properties_report_has_the_documented_shape", "[unit][bridge][huawei]") {
    const std::vector<SubDeviceProperties> properties{
        {"bf40f0c4", "analog", R"({"PhV_phsA":"1","PhV_phsB":"2"})", kNow},
        {"42aa08ea", "analog", R"({"PhV_phsA":"3"})", kNow + 1},
        {"bf40f0c4", "switch", R"({"on":true})", kNow + 2},
    };
    const auto reports = properties_reports(properties);
    REQUIRE(reports.size() == 1);
    CHECK(reports[0] ==
          R"({"devices":[{"device_id":"bf40f0c4","services":[)"
          R"({"service_id":"analog","properties":{"PhV_phsA":"1","PhV_phsB":"2"},"event_time":"2023-11-14T22:13:20.123Z"},)"
          R"({"service_id":"switch","properties":{"on":true},"event_time":"2023-11-14T22:13:20.125Z"}]},)"
          R"({"device_id":"42aa08ea","services":[)"
          R"({"service_id":"analog","properties":{"PhV_phsA":"3"},"event_time":"2023-11-14T22:13:20.124Z"}]}]})");
    CHECK(properties_reports({}).empty());
}

TEST_CASE("properties_reports_hold_at_most_100_devices", "[unit][bridge][huawei]") {
    std::vector<SubDeviceProperties> properties;
    for (int i = 0; i < 201; ++i) {
        properties.push_back({device_id(i), "s", R"({"v":1})", kNow});
        properties.push_back({device_id(i), "t", R"({"v":2})", kNow});
    }
    const auto reports = properties_reports(properties);
    REQUIRE(reports.size() == 3);
    std::vector<std::size_t> sizes;
    for (const std::string& report : reports) {
        const auto devices = parse(report)->getArray("devices");
        sizes.push_back(devices->size());
        for (std::size_t i = 0; i < devices->size(); ++i) {
            CHECK(devices->getObject(static_cast<unsigned>(i))->getArray("services")->size() == 2);
        }
    }
    CHECK(sizes == std::vector<std::size_t>{100, 100, 1});
}

TEST_CASE("properties_reports_split_to_stay_within_the_size_limit", "[unit][bridge][huawei]") {
    const std::string big = R"({"blob":")" + std::string(300, 'x') + R"("})";
    std::vector<SubDeviceProperties> properties;
    for (int i = 0; i < 10; ++i) {
        properties.push_back({"one", "s" + std::to_string(i), big, kNow});
    }
    properties.push_back({"two", "s", big, kNow});
    const std::size_t limit = 1000;
    const auto reports = properties_reports(properties, limit);
    REQUIRE(reports.size() > 1);
    std::size_t services = 0;
    for (const std::string& report : reports) {
        CHECK(report.size() <= limit);
        const auto devices = parse(report)->getArray("devices");
        for (std::size_t i = 0; i < devices->size(); ++i) {
            services += devices->getObject(static_cast<unsigned>(i))->getArray("services")->size();
        }
    }
    CHECK(services == 11);  // nothing lost, nothing repeated

    // A service above the limit on its own goes alone (guard_publish() refuses it later).
    const std::vector<SubDeviceProperties> huge{{"a", "s", R"({"v":1})", kNow},
                                                {"b", "s", R"({"blob":")" + std::string(2000, 'x') + R"("})", kNow},
                                                {"c", "s", R"({"v":1})", kNow}};
    const auto alone = properties_reports(huge, limit);
    REQUIRE(alone.size() == 3);
    CHECK(alone[1].size() > limit);
    CHECK(parse(alone[1])->getArray("devices")->getObject(0)->getValue<std::string>("device_id") == "b");
}

TEST_CASE("the_default_report_limit_leaves_room_for_the_topic", "[unit][bridge][huawei]") {
    const std::string longest_topic =
        "$oc/devices/" + std::string(128, 'g') + "/sys/gateway/sub_devices/properties/report";
    CHECK(kMaxReportPayloadBytes + longest_topic.size() <= kMaxMessageBytes);
}

TEST_CASE("telemetry_objects_are_taken_as_they_are", "[unit][bridge][huawei]") {
    CHECK(properties_of(R"({"temp":21.5,"unit":"C"})") == R"({"temp":21.5,"unit":"C"})");
    CHECK(properties_of(" \n{\"big\":12345678901234567890}\r\n") == R"({"big":12345678901234567890})");
}

TEST_CASE("other_json_telemetry_is_wrapped_under_value", "[unit][bridge][huawei]") {
    CHECK(properties_of("21.5") == R"({"value":21.5})");
    CHECK(properties_of("-3e2\n") == R"({"value":-3e2})");
    CHECK(properties_of(R"("on")") == R"({"value":"on"})");
    CHECK(properties_of("true") == R"({"value":true})");
    CHECK(properties_of("null") == R"({"value":null})");
    CHECK(properties_of("[1,2]") == R"({"value":[1,2]})");
}

TEST_CASE("plain_text_telemetry_becomes_a_string_value", "[unit][bridge][huawei]") {
    CHECK(properties_of("on") == R"({"value":"on"})");
    CHECK(properties_of("1,2") == R"({"value":"1,2"})");
    CHECK(properties_of("{\"broken\":") == R"({"value":"{\"broken\":"})");
    CHECK(properties_of("a \"quoted\" \\ word\n") == R"({"value":"a \"quoted\" \\ word"})");
    CHECK(parse(properties_of("tab\there"))->getValue<std::string>("value") == "tab\there");
    CHECK(parse(properties_of("caf\xc3\xa9"))->getValue<std::string>("value") == "caf\xc3\xa9");
}

TEST_CASE("empty_or_binary_telemetry_is_refused", "[unit][bridge][huawei]") {
    CHECK(refusal_of("").find("empty") != std::string::npos);
    CHECK(refusal_of(" \r\n").find("empty") != std::string::npos);
    CHECK(refusal_of("\xff\xfe\x01").find("UTF-8") != std::string::npos);
}
