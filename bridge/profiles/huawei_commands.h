#pragma once
// Commands from Huawei Cloud IoTDA to the gateway's sub-devices, and the answers. Source: IoTDA
// API Reference, "Platform Delivering a Command",
// https://support.huaweicloud.com/intl/en-us/api-iothub/iot_06_v5_3014.html (topics in
// huawei_topics.h). The platform publishes
//   {"object_device_id":...,"service_id":...,"command_name":...,"paras":{...}}
// where every field is optional: without object_device_id the command is for the device of the
// topic (the gateway itself), service_id and command_name come from the device's product model,
// and paras is a JSON object. The device answers with
//   {"result_code":0,"response_name":...,"paras":{...}}
// (result_code 0 = success, anything else = failure; field names as in Huawei's device SDK,
// huaweicloud-iot-device-sdk-python, client/request/command_response.py).
//
// The payload comes from the cloud: it is parsed with POCO JSON and anything unexpected is an
// error value, never an exception. Pure functions, any thread.

#include <string>
#include <string_view>
#include <variant>

namespace wg::bridge::huawei {

struct IotdaCommand {
    std::string request_id;        // from the topic; the answer's topic needs it
    std::string object_device_id;  // empty: the gateway itself
    std::string service_id;        // empty if not given
    std::string command_name;      // empty if not given
    std::string paras_json;        // a JSON object; "{}" if not given
};

struct CommandError {
    std::string reason;
};

// The command in `payload`, which arrived under `request_id`. An error if the payload is not a
// JSON object, if object_device_id, service_id or command_name is there but not a string, or
// if paras is there but not an object (null counts as not there).
std::variant<IotdaCommand, CommandError> parse_command(std::string_view request_id,
                                                       std::string_view payload);

// An answer for the response topic: {"result_code":N} plus "response_name" when it is not
// empty and "paras" (a JSON object text) when it is not empty.
std::string command_response_payload(int result_code, std::string_view response_name = {},
                                     std::string_view paras_json = {});

}  // namespace wg::bridge::huawei
