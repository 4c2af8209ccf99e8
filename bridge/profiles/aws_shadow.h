#pragma once
// Where the aws_iot profile keeps each device's liveness: a Device Shadow, and
// the MQTT topics to update it and to read the Device Shadow service's replies.
//
// Two layouts (ShadowMode):
//   - NamedShadowOfGateway: one named shadow per device on the gateway's own
//     thing, named after the device: $aws/things/{gateway}/shadow/name/{device}/update.
//     Needs only the gateway's thing in the registry.
//   - ClassicShadowPerDevice: the classic (unnamed) shadow of one thing per
//     device, named prefix + device: $aws/things/{prefix}{device}/shadow/update.
//     Each device thing must exist (or the update is rejected: 404 "Thing not found").
// {device} is the client id escaped by aws_names.h.
//
// Topics: "Device Shadow MQTT topics",
// https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-mqtt.html
// (ShadowTopicPrefix $aws/things/thingName/shadow for a classic shadow,
// $aws/things/thingName/shadow/name/shadowName for a named one; then /update,
// /update/accepted, /update/rejected). The longest topic here,
// $aws/things/{128 bytes}/shadow/name/{64 bytes}/update/accepted, has 233
// bytes and 7 slashes, within the broker's 256 bytes and 7 slashes (aws_guards.h).
//
// Replies: the service answers an update on .../update/accepted or
// .../update/rejected, to subscribers of those topics only. With many devices
// one subscription per device is not possible (50 subscriptions per
// connection: "AWS IoT Core endpoints and quotas",
// https://docs.aws.amazon.com/general/latest/gr/iot-core.html#message-broker-limits),
// so shadow_reply_filters() has a '+' in the device's level. AWS advises
// against wildcards such as $aws/things/thingName/shadow/# because new shadow
// topics may appear under them; these filters end in the fixed accepted or
// rejected level, so they cannot. The thing's IoT policy must allow them
// (iot:Subscribe on topicfilter/<the filter>, iot:Receive on the topics).
//
// Pure functions, any thread.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bridge/profiles/aws_names.h"

namespace wg::bridge::aws {

enum class ShadowMode { NamedShadowOfGateway, ClassicShadowPerDevice };

struct ShadowSettings {
    ShadowMode mode = ShadowMode::NamedShadowOfGateway;
    std::string gateway_thing;        // NamedShadowOfGateway: the gateway's thing name
    std::string device_thing_prefix;  // ClassicShadowPerDevice: device thing = prefix + escaped client id
};

// The shadow of one device.
struct ShadowTarget {
    std::string thing;
    std::string shadow_name;  // empty: the classic shadow
    std::string error;        // not empty: the device has no shadow (its name does not fit)
    explicit operator bool() const { return error.empty(); }
};

ShadowTarget shadow_target(const ShadowSettings& settings, std::string_view client_id);

// $aws/things/{thing}/shadow[/name/{shadow_name}]/update (classic when `shadow_name` is empty).
std::string shadow_update_topic(std::string_view thing, std::string_view shadow_name);
std::string shadow_update_accepted_topic(std::string_view thing, std::string_view shadow_name);
std::string shadow_update_rejected_topic(std::string_view thing, std::string_view shadow_name);

// What the bridge subscribes to for the replies of every device's updates:
//   NamedShadowOfGateway:   $aws/things/{gateway}/shadow/name/+/update/accepted, .../rejected
//   ClassicShadowPerDevice: $aws/things/+/shadow/update/accepted, .../rejected
// (the classic filters also match things outside the prefix; shadow_reply()
// ignores those).
std::vector<std::string> shadow_reply_filters(const ShadowSettings& settings);

enum class ShadowTopicKind { Update, UpdateAccepted, UpdateRejected };

struct ShadowTopic {
    std::string thing;
    std::string shadow_name;  // empty: classic
    ShadowTopicKind kind = ShadowTopicKind::Update;
};

// Reads an update, update/accepted or update/rejected topic; nullopt for any
// other topic or a thing or shadow name AWS would not allow.
std::optional<ShadowTopic> parse_shadow_topic(std::string_view topic);

// Whether `topic` is the update topic of a device's shadow under `settings`
// (the only reserved topics the profile publishes to).
bool is_device_shadow_update_topic(const ShadowSettings& settings, std::string_view topic);

// A reply for a device's shadow: which device, and whether it was accepted.
struct ShadowReplyTopic {
    std::string client_id;
    bool accepted = false;
};

// The device a reply topic belongs to under `settings`; nullopt for a topic
// that is not an update/accepted or update/rejected of a device's shadow.
std::optional<ShadowReplyTopic> shadow_reply(const ShadowSettings& settings, std::string_view topic);

}  // namespace wg::bridge::aws
