#pragma once
// The Huawei Cloud IoTDA system topics the gateway uses, for the gateway's own device id
// (the sub-devices are named inside the payloads, not in the topics). Source: IoTDA API
// Reference, "Topics", https://support.huaweicloud.com/intl/en-us/api-iothub/iot_06_v5_3004.html,
// and the page of each message (named below).
//
// Pure functions, any thread.

#include <optional>
#include <string>
#include <string_view>

namespace wg::bridge::huawei {

// $oc/devices/{gateway_id}/sys/events/up: sub-device status updates ("Gateway Updating Child
// Device Status", https://support.huaweicloud.com/intl/en-us/api-iothub/iot_06_v5_3022.html).
std::string events_up_topic(std::string_view gateway_id);

// $oc/devices/{gateway_id}/sys/gateway/sub_devices/properties/report ("Gateway Reporting
// Device Properties in Batches",
// https://support.huaweicloud.com/intl/en-us/api-iothub/iot_06_v5_3006.html).
std::string properties_report_topic(std::string_view gateway_id);

// Commands ("Platform Delivering a Command",
// https://support.huaweicloud.com/intl/en-us/api-iothub/iot_06_v5_3014.html): the platform
// publishes on $oc/devices/{gateway_id}/sys/commands/request_id={request_id}, for the gateway and
// its sub-devices alike; the answer goes to
// $oc/devices/{gateway_id}/sys/commands/response/request_id={request_id}. The page says to
// subscribe with "#" in place of request_id={request_id}.
std::string commands_filter(std::string_view gateway_id);  // $oc/devices/{gateway_id}/sys/commands/#
std::string command_response_topic(std::string_view gateway_id, std::string_view request_id);

// The request id of a command topic of `gateway_id`; nullopt for any other topic, and for an
// empty request id or one with a "/".
std::optional<std::string> command_request_id(std::string_view topic, std::string_view gateway_id);

}  // namespace wg::bridge::huawei
