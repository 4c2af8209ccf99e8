#include "bridge/profiles/aws_shadow.h"

namespace wg::bridge::aws {
namespace {

constexpr std::string_view kThingsPrefix = "$aws/things/";
constexpr std::string_view kShadow = "/shadow";
constexpr std::string_view kNamed = "/shadow/name/";

std::string shadow_prefix(std::string_view thing, std::string_view shadow_name) {
    std::string topic{kThingsPrefix};
    topic += thing;
    if (shadow_name.empty()) {
        topic += kShadow;
    } else {
        topic += kNamed;
        topic += shadow_name;
    }
    return topic;
}

// The next level of `topic` from `position` (moved past it and its '/').
std::string_view next_level(std::string_view topic, std::size_t& position) {
    const std::size_t end = topic.find('/', position);
    const std::string_view level =
        topic.substr(position, end == std::string_view::npos ? std::string_view::npos : end - position);
    position = end == std::string_view::npos ? topic.size() + 1 : end + 1;
    return level;
}

}  // namespace

ShadowTarget shadow_target(const ShadowSettings& settings, std::string_view client_id) {
    if (settings.mode == ShadowMode::NamedShadowOfGateway) {
        AwsName name = shadow_name_for(client_id);
        if (!name) return {{}, {}, std::move(name.error)};
        return {settings.gateway_thing, std::move(name.value), {}};
    }
    AwsName thing = thing_name_for(settings.device_thing_prefix, client_id);
    if (!thing) return {{}, {}, std::move(thing.error)};
    return {std::move(thing.value), {}, {}};
}

std::string shadow_update_topic(std::string_view thing, std::string_view shadow_name) {
    return shadow_prefix(thing, shadow_name) + "/update";
}

std::string shadow_update_accepted_topic(std::string_view thing, std::string_view shadow_name) {
    return shadow_prefix(thing, shadow_name) + "/update/accepted";
}

std::string shadow_update_rejected_topic(std::string_view thing, std::string_view shadow_name) {
    return shadow_prefix(thing, shadow_name) + "/update/rejected";
}

std::vector<std::string> shadow_reply_filters(const ShadowSettings& settings) {
    if (settings.mode == ShadowMode::NamedShadowOfGateway)
        return {shadow_update_accepted_topic(settings.gateway_thing, "+"),
                shadow_update_rejected_topic(settings.gateway_thing, "+")};
    return {shadow_update_accepted_topic("+", {}), shadow_update_rejected_topic("+", {})};
}

std::optional<ShadowTopic> parse_shadow_topic(std::string_view topic) {
    if (!topic.starts_with(kThingsPrefix)) return std::nullopt;
    std::size_t position = kThingsPrefix.size();
    ShadowTopic parsed;
    parsed.thing = next_level(topic, position);
    if (!is_valid_aws_name(parsed.thing, kMaxThingNameBytes)) return std::nullopt;
    if (position > topic.size() || next_level(topic, position) != "shadow") return std::nullopt;
    std::vector<std::string_view> rest;
    while (position <= topic.size()) rest.push_back(next_level(topic, position));
    if (rest.size() >= 2 && rest[0] == "name") {
        parsed.shadow_name = rest[1];
        if (!is_valid_aws_name(parsed.shadow_name, kMaxShadowNameBytes)) return std::nullopt;
        rest.erase(rest.begin(), rest.begin() + 2);
    }
    if (rest == std::vector<std::string_view>{"update"}) {
        parsed.kind = ShadowTopicKind::Update;
    } else if (rest == std::vector<std::string_view>{"update", "accepted"}) {
        parsed.kind = ShadowTopicKind::UpdateAccepted;
    } else if (rest == std::vector<std::string_view>{"update", "rejected"}) {
        parsed.kind = ShadowTopicKind::UpdateRejected;
    } else {
        return std::nullopt;
    }
    return parsed;
}

namespace {

// The client id whose shadow `parsed` is under `settings`.
std::optional<std::string> device_of(const ShadowSettings& settings, const ShadowTopic& parsed) {
    if (settings.mode == ShadowMode::NamedShadowOfGateway) {
        if (parsed.thing != settings.gateway_thing || parsed.shadow_name.empty()) return std::nullopt;
        return unescape_name(parsed.shadow_name);
    }
    const std::string_view thing = parsed.thing;
    if (!parsed.shadow_name.empty() || !thing.starts_with(settings.device_thing_prefix)) return std::nullopt;
    const std::string_view escaped = thing.substr(settings.device_thing_prefix.size());
    if (escaped.empty()) return std::nullopt;
    return unescape_name(escaped);
}

}  // namespace

bool is_device_shadow_update_topic(const ShadowSettings& settings, std::string_view topic) {
    const auto parsed = parse_shadow_topic(topic);
    return parsed && parsed->kind == ShadowTopicKind::Update && device_of(settings, *parsed).has_value();
}

std::optional<ShadowReplyTopic> shadow_reply(const ShadowSettings& settings, std::string_view topic) {
    const auto parsed = parse_shadow_topic(topic);
    if (!parsed || parsed->kind == ShadowTopicKind::Update) return std::nullopt;
    auto client_id = device_of(settings, *parsed);
    if (!client_id) return std::nullopt;
    return ShadowReplyTopic{std::move(*client_id), parsed->kind == ShadowTopicKind::UpdateAccepted};
}

}  // namespace wg::bridge::aws
