// The rules for [[bridge]] tables (config.h Bridge): one function per value, each returning
// nullopt when the value is fine, otherwise the message; find_bridge_problem() applies the
// rules across the keys of one bridge, find_bridges_problem() those across bridges.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/checks.h"
#include "config/config.h"

namespace wg::config {

inline constexpr IntegerRange kBridgeKeepAliveRange{0, 65535};
inline constexpr IntegerRange kQosRange{0, 2};
inline constexpr IntegerRange kReconnectMsRange{100, 3600000};
inline constexpr IntegerRange kBridgeMaxInflightRange{1, 65535};
inline constexpr IntegerRange kOutboxMaxMessagesRange{1, 1000000000};
inline constexpr IntegerRange kOutboxMaxBytesRange{1024, 1099511627776};
inline constexpr IntegerRange kSessionExpiryRange{0, 4294967295};
inline constexpr IntegerRange kMessagesPerSecondRange{0, 1000000};
inline constexpr IntegerRange kBytesPerSecondRange{0, 1099511627776};

// 1..64 characters out of A-Z a-z 0-9 _ - .
std::optional<std::string> check_bridge_name(std::string_view name);
// scheme://host:port with scheme tcp, mqtt (plain) or ssl, mqtts (TLS); an IPv6 host in [].
std::optional<std::string> check_bridge_address(std::string_view address);
bool is_tls_address(std::string_view address);
std::optional<std::string> check_mqtt_version(std::string_view version);
// Empty (default) or 1..65535 bytes of UTF-8 without control characters.
std::optional<std::string> check_client_id(std::string_view client_id);
// An ALPN protocol name: 1..255 bytes.
std::optional<std::string> check_alpn(std::string_view protocol);
// A topic to publish to: not empty, no + or #, at most 65535 bytes.
std::optional<std::string> check_topic_name(std::string_view topic);
// Empty = none, or a topic name.
std::optional<std::string> check_optional_topic_name(std::string_view topic);
// A subscription filter: + and # only as whole levels, # last.
std::optional<std::string> check_topic_filter(std::string_view filter);
// A topic template for `filter` (a forward rule's remote topic, a downlink rule's local
// topic): text, {topic}, and {N} for N in 1..(number of wildcards in filter); no + or #.
std::optional<std::string> check_remote_template(std::string_view remote, std::string_view filter);
// "generic", "aws_iot" or "huawei_iotda".
std::optional<std::string> check_bridge_profile(std::string_view profile);
// An AWS IoT thing name: 1..128 of A-Z a-z 0-9 : _ - (UpdateThingShadow's thingName pattern).
std::optional<std::string> check_aws_thing_name(std::string_view name);
// Empty or the start of a thing name (at most 64 characters of the same set).
std::optional<std::string> check_aws_thing_prefix(std::string_view prefix);
// "named", "classic" or "none".
std::optional<std::string> check_aws_shadow_mode(std::string_view mode);
// An IoTDA device id: 1..128 of A-Z a-z 0-9 _ -.
std::optional<std::string> check_iotda_device_id(std::string_view id);
// An IoTDA service id: 1..64 characters, no control characters.
std::optional<std::string> check_iotda_service_id(std::string_view id);
// "" or a template with {client_id} (and optionally {gateway_id}).
std::optional<std::string> check_iotda_sub_device_template(std::string_view text);
// A local topic with {client_id} and {request_id}, each a whole level; no + or #.
std::optional<std::string> check_iotda_command_topic(std::string_view topic);
// A local topic with {request_id} (and optionally {client_id}) as whole levels; no + or #.
std::optional<std::string> check_iotda_response_topic(std::string_view topic);
// A liveness topic template: text and {client_id}; no + or #.
std::optional<std::string> check_liveness_template(std::string_view topic);

// The rules across the keys of one bridge: TLS files with a TLS address, cert_file with
// key_file, one kind of address, a payload only with its topic, reconnect_max_ms not below
// reconnect_initial_ms, something to do (a forward or downlink rule or a liveness topic),
// templates that fit their filters, session_expiry only with MQTT 5. `key`
// is "bridge[N]".
std::optional<KeyProblem> find_bridge_problem(const Bridge& bridge, const std::string& key);
// Across bridges: unique names; the database they need (storage.durability not "none").
std::optional<KeyProblem> find_bridges_problem(const std::vector<Bridge>& bridges, const Storage& storage);

}  // namespace wg::config
