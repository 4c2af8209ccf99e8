#include "bridge/profiles/aws_guards.h"

#include <algorithm>

#include <arpa/inet.h>

#include "common/utf8.h"

namespace wg::bridge::aws {
namespace {

std::string bytes(std::size_t count) { return std::to_string(count) + " bytes"; }

}  // namespace

std::variant<OutgoingMessage, Refusal> check_outgoing(OutgoingMessage message,
                                                      const std::optional<ShadowSettings>& shadows) {
    const std::string& topic = message.topic;
    if (topic.empty()) return Refusal{RefusalKind::InvalidTopic, "empty topic"};
    if (!is_valid_utf8(topic)) return Refusal{RefusalKind::InvalidTopic, "topic is not valid UTF-8"};
    if (topic.find('\0') != std::string::npos) return Refusal{RefusalKind::InvalidTopic, "topic contains U+0000"};
    if (topic.find_first_of("+#") != std::string::npos)
        return Refusal{RefusalKind::InvalidTopic, "topic contains a wildcard (+ or #)"};
    if (topic.size() > kMaxTopicBytes)
        return Refusal{RefusalKind::TopicTooLong, "topic of " + bytes(topic.size()) + " (AWS IoT allows " +
                                                      std::to_string(kMaxTopicBytes) + ")"};
    const auto slashes = static_cast<std::size_t>(std::count(topic.begin(), topic.end(), '/'));
    if (slashes > kMaxTopicSlashes)
        return Refusal{RefusalKind::TooManySlashes, "topic with " + std::to_string(slashes) +
                                                        " slashes (AWS IoT allows " +
                                                        std::to_string(kMaxTopicSlashes) + ")"};
    if (topic.starts_with('$')) {
        if (!shadows || !is_device_shadow_update_topic(*shadows, topic))
            return Refusal{RefusalKind::ReservedTopic,
                           "topic starts with '$' (reserved by AWS IoT; only devices' shadow updates are sent there)"};
        message.retain = false;
    }
    if (message.payload_size > kMaxPayloadBytes)
        return Refusal{RefusalKind::PayloadTooLarge, "payload of " + bytes(message.payload_size) +
                                                         " (AWS IoT allows " + bytes(kMaxPayloadBytes) + ")"};
    message.qos = std::min(message.qos, kMaxQos);
    return message;
}

std::variant<OutgoingMessage, Refusal> check_will(OutgoingMessage will, const std::optional<ShadowSettings>& shadows) {
    auto checked = check_outgoing(std::move(will), shadows);
    if (auto* refusal = std::get_if<Refusal>(&checked)) refusal->reason = "the Will: " + refusal->reason;
    return checked;
}

std::size_t unacknowledged_window(std::size_t configured) { return std::min(configured, kMaxUnacknowledged); }

std::optional<std::string> check_keep_alive(std::chrono::seconds keep_alive) {
    if (keep_alive < kMinKeepAlive || keep_alive > kMaxKeepAlive)
        return "must be " + std::to_string(kMinKeepAlive.count()) + " to " + std::to_string(kMaxKeepAlive.count()) +
               " seconds for AWS IoT Core";
    return std::nullopt;
}

std::optional<std::string> check_client_id(std::string_view client_id) {
    if (client_id.empty()) return "must not be empty for AWS IoT Core (the thing name by default)";
    if (client_id.size() > kMaxClientIdBytes)
        return "is " + bytes(client_id.size()) + " long; AWS IoT Core allows " + bytes(kMaxClientIdBytes);
    if (!is_valid_utf8(client_id)) return "is not valid UTF-8";
    return std::nullopt;
}

std::optional<std::string> check_endpoint(std::string_view host, std::uint16_t port,
                                          const std::vector<std::string>& alpn) {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    const std::string name{host};
    unsigned char address[16];
    if (inet_pton(AF_INET, name.c_str(), address) == 1 || inet_pton(AF_INET6, name.c_str(), address) == 1)
        return "AWS IoT Core needs the endpoint's host name (it refuses TLS without Server Name Indication), "
               "not an IP address";
    if (port == kMqttPort) return std::nullopt;
    if (port == kMqttAlpnPort) {
        if (std::find(alpn.begin(), alpn.end(), kMqttAlpnProtocol) != alpn.end()) return std::nullopt;
        return "port 443 needs alpn = [\"" + std::string{kMqttAlpnProtocol} + "\"] for AWS IoT Core";
    }
    return "AWS IoT Core takes MQTT with a client certificate on port 8883, or 443 with alpn = [\"" +
           std::string{kMqttAlpnProtocol} + "\"]";
}

}  // namespace wg::bridge::aws
