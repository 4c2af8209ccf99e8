#include "bridge/profiles/huawei_guards.h"

#include <algorithm>

namespace wg::bridge::huawei {

std::variant<CloudPublish, Refusal> guard_publish(CloudPublish message) {
    if (message.topic.empty()) {
        return Refusal{"the topic is empty"};
    }
    if (message.topic.find_first_of("+#") != std::string::npos) {
        return Refusal{"the topic \"" + message.topic + "\" has a wildcard"};
    }
    if (!message.topic.starts_with(kSystemTopicPrefix) && message.topic.size() > kMaxCustomTopicBytes) {
        return Refusal{"IoTDA takes custom topics of at most 128 bytes; this one has " +
                       std::to_string(message.topic.size())};
    }
    const std::size_t bytes = message.topic.size() + message.payload.size();
    if (bytes > kMaxMessageBytes) {
        return Refusal{"IoTDA takes messages of at most 1 MB (" + std::to_string(kMaxMessageBytes) +
                       " bytes of topic and payload); this one has " + std::to_string(bytes)};
    }
    message.qos = std::min(message.qos, kMaxQos);
    message.retain = false;
    return message;
}

std::optional<std::string> check_keep_alive(std::uint32_t seconds) {
    if (seconds < kMinKeepAliveSeconds || seconds > kMaxKeepAliveSeconds) {
        return "IoTDA takes a keep-alive of 30 to 1200 seconds (120 recommended), not " +
               std::to_string(seconds);
    }
    return std::nullopt;
}

std::optional<std::string> check_no_will(std::string_view will_topic) {
    if (!will_topic.empty()) {
        return std::string{"IoTDA does not support Will messages; the gateway reports its devices' "
                           "status through sub-device status events instead"};
    }
    return std::nullopt;
}

}  // namespace wg::bridge::huawei
