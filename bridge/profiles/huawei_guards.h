#pragma once
// What Huawei Cloud IoTDA accepts from a device on its MQTT connection, and the check of each
// message the gateway sends there. Source for every limit below unless noted: Huawei Cloud IoTDA
// Service Overview, "Limitations", Device access / MQTT,
// https://support.huaweicloud.com/intl/en-us/productdesc-iothub/iot_04_0010.html
// ("not supported: QoS 2, will messages, and retained messages"; heartbeat 30 s to 1200 s,
// recommended 120 s, "the server will reject the connection request" outside it; "Size of a
// message reported by an MQTT device: 1 MB (A message larger than this size is rejected.)";
// "Length of a custom MQTT topic: 128 bytes"), and the same table in the MQTT usage guide,
// "使用限制", https://support.huaweicloud.com/devg-iothub/iot_02_2200.html ("单个MQTT连接每秒
// 最大上行消息数量 50/s": at most 50 upstream messages per second on one MQTT connection).
//
// Pure functions, any thread.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace wg::bridge::huawei {

// The documents do not say whether "1 MB" is 10^6 or 2^20 bytes, nor whether the topic counts.
// The gateway takes the smaller reading, topic and payload together at most 10^6 bytes, so that
// it never sends a message the platform would reject.
inline constexpr std::size_t kMaxMessageBytes = 1'000'000;
inline constexpr std::uint8_t kMaxQos = 1;
inline constexpr std::size_t kMaxCustomTopicBytes = 128;
// Upstream messages per second on the connection. Rate shaping is the bridge's job; this is
// the figure it shapes to.
inline constexpr int kMaxUpstreamMessagesPerSecond = 50;
inline constexpr std::uint32_t kMinKeepAliveSeconds = 30;
inline constexpr std::uint32_t kMaxKeepAliveSeconds = 1200;
inline constexpr std::uint32_t kRecommendedKeepAliveSeconds = 120;
// Device-side ports: MQTT 1883, MQTTS 8883 (the console's Overview > Access Details; "MQTT使用
// 1883端口,MQTTS使用8883端口" in the IoTDA device SDK guides).
inline constexpr std::uint16_t kMqttPort = 1883;
inline constexpr std::uint16_t kMqttsPort = 8883;
// Topics of the platform's own API start with this; every other topic is a custom topic.
inline constexpr std::string_view kSystemTopicPrefix = "$oc/devices/";

// A message on its way to the cloud.
struct CloudPublish {
    std::string topic;
    std::string payload;
    std::uint8_t qos = 0;
    bool retain = false;
};

// Why a message is not sent.
struct Refusal {
    std::string reason;
};

// `message` as IoTDA takes it: QoS at most 1, RETAIN cleared (the platform supports neither
// QoS 2 nor retained messages; both are adjusted, not refused, as a broker does when it grants a
// lower QoS). Refused: an empty topic or one with a wildcard, a custom topic (one that does not
// start with "$oc/devices/") longer than 128 bytes, and topic plus payload above
// kMaxMessageBytes.
std::variant<CloudPublish, Refusal> guard_publish(CloudPublish message);

// nullopt if IoTDA accepts a CONNECT with this keep-alive (30..1200 seconds), else why not.
// 0 (no keep-alive) is refused as well.
std::optional<std::string> check_keep_alive(std::uint32_t seconds);

// nullopt if the cloud connection has no Will (`will_topic` empty), else why IoTDA refuses it.
std::optional<std::string> check_no_will(std::string_view will_topic);

}  // namespace wg::bridge::huawei
