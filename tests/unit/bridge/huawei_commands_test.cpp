#include <catch2/catch.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <string>
#include <variant>

#include "bridge/profiles/huawei_commands.h"

using namespace wg::bridge::huawei;

namespace {

IotdaCommand command_of(std::string_view payload) {
    const auto result = parse_command("r1", payload);
    REQUIRE(std::holds_alternative<IotdaCommand>(result));
    return std::get<IotdaCommand>(result);
}

std::string error_of(std::string_view payload) {
    const auto result = parse_command("r1", payload);
    REQUIRE(std::holds_alternative<CommandError>(result));
    return std::get<CommandError>(result).reason;
}

}  // namespace

TEST_CASE("commands_for_sub_devices_are_parsed", "[unit][bridge][huawei]") {
    const IotdaCommand command = command_of(
        R"({"object_device_id":"pump-7","service_id":"Switch","command_name":"ON_OFF","paras":{"value":"ON","level":3}})");
    CHECK(command.request_id == "r1");
    CHECK(command.object_device_id == "pump-7");
    CHECK(command.service_id == "Switch");
    CHECK(command.command_name == "ON_OFF");
    CHECK(command.paras_json == R"({"value":"ON","level":3})");  // keys in the order sent
}

TEST_CASE("command_fields_are_optional", "[unit][bridge][huawei]") {
    const IotdaCommand bare = command_of("{}");
    CHECK(bare.object_device_id.empty());  // for the gateway itself
    CHECK(bare.service_id.empty());
    CHECK(bare.command_name.empty());
    CHECK(bare.paras_json == "{}");
    CHECK(command_of(R"({"object_device_id":null,"paras":null})").paras_json == "{}");
    const IotdaCommand nested = command_of(R"({"paras":{"a":{"b":[1,"x\"y"]}},"extra":1})");
    Poco::JSON::Parser parser;
    const auto paras = parser.parse(nested.paras_json).extract<Poco::JSON::Object::Ptr>();
    CHECK(paras->getObject("a")->getArray("b")->getElement<std::string>(1) == "x\"y");
}

TEST_CASE("bad_commands_are_errors_not_exceptions", "[unit][bridge][huawei]") {
    CHECK(error_of("").find("not valid JSON") != std::string::npos);
    CHECK(error_of("{\"paras\":").find("not valid JSON") != std::string::npos);
    CHECK(error_of("not json").find("not valid JSON") != std::string::npos);
    CHECK(error_of("{} trailing").find("not valid JSON") != std::string::npos);
    CHECK(error_of("[1,2]") == "the command is not a JSON object");
    CHECK(error_of(R"({"object_device_id":7})") == "the command's object_device_id is not a string");
    CHECK(error_of(R"({"service_id":["x"]})") == "the command's service_id is not a string");
    CHECK(error_of(R"({"command_name":{}})") == "the command's command_name is not a string");
    CHECK(error_of(R"({"paras":"ON"})") == "the command's paras is not a JSON object");
    CHECK(error_of(R"({"paras":[1]})") == "the command's paras is not a JSON object");
    CHECK(error_of("{\"a\":\"\xff\"}").find("not valid JSON") != std::string::npos);
}

TEST_CASE("command_responses_have_the_documented_fields", "[unit][bridge][huawei]") {
    CHECK(command_response_payload(0) == R"({"result_code":0})");
    CHECK(command_response_payload(1, "ON_OFF_RESULT", R"({"state":"ok"})") ==
          R"({"result_code":1,"response_name":"ON_OFF_RESULT","paras":{"state":"ok"}})");
    CHECK(command_response_payload(0, "", R"({"a":1})") == R"({"result_code":0,"paras":{"a":1}})");
    CHECK(command_response_payload(-1, "n\"ame") == R"({"result_code":-1,"response_name":"n\"ame"})");
}
