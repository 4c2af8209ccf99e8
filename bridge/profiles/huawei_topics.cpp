#include "bridge/profiles/huawei_topics.h"

namespace wg::bridge::huawei {
namespace {

std::string device_topic(std::string_view gateway_id, std::string_view rest) {
    std::string topic = "$oc/devices/";
    topic += gateway_id;
    topic += rest;
    return topic;
}

}  // namespace

std::string events_up_topic(std::string_view gateway_id) {
    return device_topic(gateway_id, "/sys/events/up");
}

std::string properties_report_topic(std::string_view gateway_id) {
    return device_topic(gateway_id, "/sys/gateway/sub_devices/properties/report");
}

std::string commands_filter(std::string_view gateway_id) {
    return device_topic(gateway_id, "/sys/commands/#");
}

std::string command_response_topic(std::string_view gateway_id, std::string_view request_id) {
    return device_topic(gateway_id, "/sys/commands/response/request_id=") + std::string{request_id};
}

std::optional<std::string> command_request_id(std::string_view topic, std::string_view gateway_id) {
    const std::string prefix = device_topic(gateway_id, "/sys/commands/request_id=");
    if (!topic.starts_with(prefix)) {
        return std::nullopt;
    }
    const std::string_view id = topic.substr(prefix.size());
    if (id.empty() || id.find('/') != std::string_view::npos) {
        return std::nullopt;
    }
    return std::string{id};
}

}  // namespace wg::bridge::huawei
