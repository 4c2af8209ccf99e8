#pragma once
// AWS IoT Core's documented limits, applied before anything is sent, so that
// the cloud never closes the connection over a message: check_outgoing()
// adjusts what AWS would not take but can take in another form (QoS 2 -> 1,
// RETAIN off on a shadow topic) and refuses what breaks a hard limit, with the
// reason, so the bridge sets the message aside instead of retrying it forever.
// The connection checks are for the configuration (the gateway refuses to
// start with settings AWS would not accept).
//
// Sources (the constants below say which one each comes from):
//   [quotas]   "AWS IoT Core endpoints and quotas", Message broker and protocol limits,
//              https://docs.aws.amazon.com/general/latest/gr/iot-core.html#message-broker-limits
//   [mqtt]     "MQTT" in the AWS IoT Core Developer Guide (QoS, retained messages,
//              differences from the MQTT specifications),
//              https://docs.aws.amazon.com/iot/latest/developerguide/mqtt.html
//   [topics]   "MQTT topics" and "Reserved topics",
//              https://docs.aws.amazon.com/iot/latest/developerguide/topics.html,
//              https://docs.aws.amazon.com/iot/latest/developerguide/reserved-topics.html
//   [ports]    "Protocols, port mappings, and authentication",
//              https://docs.aws.amazon.com/iot/latest/developerguide/protocols.html
//   [sdk]      what AWS's own client applies for "AWS IoT Core defaults": aws-c-mqtt
//              include/aws/mqtt/private/v5/mqtt5_utils.h (AWS_IOT_CORE_PUBLISH_PER_SECOND_LIMIT 100,
//              AWS_IOT_CORE_THROUGHPUT_LIMIT 512 * 1024, 256-byte topics, 8 segments), and
//              https://aws.github.io/aws-iot-device-sdk-js-v2/node/enums/mqtt5.ClientExtendedValidationAndFlowControl.html
//
// Pure functions, any thread.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "bridge/profiles/aws_shadow.h"

namespace wg::bridge::aws {

// [quotas] Message size: "The payload for every publish request can be no larger than
// 128 KB. AWS IoT Core rejects publish and connect requests larger than this size."
// Read as KiB: a 128,000-byte reading would be stricter by 3,072 bytes, so
// messages of that size are still sent.
inline constexpr std::size_t kMaxPayloadBytes = 128 * 1024;
// [quotas] Topic size: at most 256 bytes of UTF-8; [sdk] the same.
inline constexpr std::size_t kMaxTopicBytes = 256;
// [quotas] Maximum number of slashes in topic and topic filter: 7. The first 3
// slashes of Basic Ingest topics ($aws/rules/rule-name/) do not count ([sdk]:
// "not counting any AWS rules prefix"); those are reserved topics, which
// check_outgoing() refuses anyway, so every slash counts here.
inline constexpr std::size_t kMaxTopicSlashes = 7;
// [mqtt] "AWS IoT supports MQTT quality of service (QoS) levels 0 and 1 only ...
// When QoS level 2 is requested, the message broker doesn't send a PUBACK or SUBACK."
inline constexpr std::uint8_t kMaxQos = 1;
// [quotas] Publish requests per second per connection: 100, and Throughput per
// connection: 512 KB/s; [sdk] 100 and 512 * 1024. Beyond them AWS throttles;
// the bridge shapes its traffic to them (it never drops for them).
inline constexpr std::size_t kMaxPublishesPerSecond = 100;
inline constexpr std::size_t kMaxBytesPerSecond = 512 * 1024;
// [quotas] Maximum inbound unacknowledged messages: 100 per client ("When this limit
// is reached, no new messages are accepted from this client until an ACK is
// returned by the server").
inline constexpr std::size_t kMaxUnacknowledged = 100;
// [quotas] Keep-alive period: 30..1200 s. AWS treats a smaller value as 30 s (an
// AWS answer on re:Post citing [quotas]: "IoT Core will treat any value less than
// 30 as 30") and 1200 s is its maximum and default (aws-c-mqtt v0.4.27: "AWS IoT
// maxes out at (and defaults to) 1200 seconds"). Configured values must be in
// 30..1200, so the value used is the value configured.
inline constexpr std::chrono::seconds kMinKeepAlive{30};
inline constexpr std::chrono::seconds kMaxKeepAlive{1200};
// [quotas] Client ID size: 128 bytes of UTF-8.
inline constexpr std::size_t kMaxClientIdBytes = 128;
// [ports] MQTT with an X.509 client certificate: port 8883, or port 443 with the
// ALPN protocol name x-amzn-mqtt-ca.
inline constexpr std::uint16_t kMqttPort = 8883;
inline constexpr std::uint16_t kMqttAlpnPort = 443;
inline constexpr std::string_view kMqttAlpnProtocol = "x-amzn-mqtt-ca";

// A PUBLISH (or the Will) on its way to AWS.
struct OutgoingMessage {
    std::string topic;
    std::size_t payload_size = 0;
    std::uint8_t qos = 0;
    bool retain = false;
};

enum class RefusalKind {
    InvalidTopic,     // empty, not UTF-8, U+0000, or a wildcard (+ #)
    TopicTooLong,     // > kMaxTopicBytes
    TooManySlashes,   // > kMaxTopicSlashes
    ReservedTopic,    // starts with '$' and is not a device's shadow update topic
    PayloadTooLarge,  // > kMaxPayloadBytes
};

struct Refusal {
    RefusalKind kind = RefusalKind::InvalidTopic;
    std::string reason;  // for the log and outbox_rejected
};

// The message as AWS will take it, or why AWS would not take it at all.
//
// Adjusted: QoS 2 becomes 1. RETAIN is kept ([mqtt] "Using MQTT retained messages":
// AWS IoT Core stores retained messages; no payload limit of their own is
// documented, so the 128 KB one applies; the number of retained messages is a
// quota of the account, which AWS enforces by throttling, not per message)
// except on a shadow update topic, where it is cleared ([mqtt]: "You can't
// publish to a reserved topic with the RETAIN flag set").
//
// Refused: see RefusalKind. Topics that begin with '$' are reserved ([topics]:
// "you can't create new topics that begin with a dollar sign. Unsupported publish
// or subscribe operations to reserved topics can result in a terminated
// connection"); the only ones allowed are the shadow update topics of the
// devices under `shadows` (none when it is nullopt).
std::variant<OutgoingMessage, Refusal> check_outgoing(OutgoingMessage message,
                                                      const std::optional<ShadowSettings>& shadows);

// The gateway's Will on the cloud connection: the same rules (a QoS 2 Will is
// sent as QoS 1, never as 2; AWS keeps a Will's RETAIN flag, [mqtt] "Retaining a
// Will message"); the CONNECT that carries it has the same 128 KB limit. A
// refusal's reason starts with "the Will".
std::variant<OutgoingMessage, Refusal> check_will(OutgoingMessage will, const std::optional<ShadowSettings>& shadows);

// The in-flight window of QoS 1 publishes towards AWS: `configured`, at most
// kMaxUnacknowledged.
std::size_t unacknowledged_window(std::size_t configured);

// Configuration checks: nullopt when the value is fine, otherwise the message.
std::optional<std::string> check_keep_alive(std::chrono::seconds keep_alive);
std::optional<std::string> check_client_id(std::string_view client_id);
// The cloud address: a host name, not an IP address (AWS refuses a TLS
// connection without Server Name Indication, [mqtt]; the host of the address is
// the name Paho sends); port 8883, or 443 with kMqttAlpnProtocol among `alpn`.
std::optional<std::string> check_endpoint(std::string_view host, std::uint16_t port,
                                          const std::vector<std::string>& alpn);

}  // namespace wg::bridge::aws
