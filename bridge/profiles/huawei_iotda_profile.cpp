#include "bridge/profiles/huawei_iotda_profile.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <variant>

#include "bridge/profiles/huawei_commands.h"
#include "bridge/profiles/huawei_credentials.h"
#include "bridge/profiles/huawei_guards.h"
#include "bridge/profiles/huawei_messages.h"
#include "bridge/profiles/huawei_topics.h"
#include "bridge/topic_filter.h"
#include "bridge/topic_template.h"
#include "common/device_status_text.h"
#include "common/json_text.h"
#include "common/log.h"

namespace wg::bridge::huawei {
namespace {

constexpr std::string_view kClientId = "{client_id}";
constexpr std::string_view kRequestId = "{request_id}";

// Changes as sub_device_update_status events.
class StatusEventFormat final : public LivenessFormat {
public:
    StatusEventFormat(std::string gateway_id, const DeviceMap& devices)
        : gateway_id_{std::move(gateway_id)}, devices_{devices} {}

    std::vector<broker::OutboxEntry> format(std::span<const liveness::Transition> changes, liveness::LivenessReader&,
                                            std::int64_t now_ms) override {
        std::vector<SubDeviceStatus> statuses;
        for (const liveness::Transition& change : changes) {
            if (auto id = devices_.sub_device_id(change.client_id))
                statuses.push_back(SubDeviceStatus{std::move(*id), change.online, change.at_ms});
        }
        std::vector<broker::OutboxEntry> entries;
        if (statuses.empty()) return entries;
        for (std::string& event : status_update_events(gateway_id_, statuses, now_ms))
            entries.push_back(broker::OutboxEntry{events_up_topic(gateway_id_), std::move(event), 1, false, now_ms});
        return entries;
    }

private:
    std::string gateway_id_;
    const DeviceMap& devices_;
};

// Whether `payload` is already an IoTDA command answer: a JSON object with result_code.
bool is_command_answer(const std::string& payload) {
    try {
        const Poco::Dynamic::Var parsed = Poco::JSON::Parser{}.parse(payload);
        const auto object = parsed.extract<Poco::JSON::Object::Ptr>();
        return object && object->has("result_code");
    } catch (const std::exception&) {
        return false;
    }
}

DeviceMapSettings with_gateway(DeviceMapSettings devices, const std::string& gateway_id) {
    devices.gateway_id = gateway_id;
    return devices;
}

}  // namespace

HuaweiIotdaProfile::HuaweiIotdaProfile(HuaweiIotdaSettings settings)
    : settings_{std::move(settings)}, devices_{with_gateway(settings_.devices, settings_.device_id)} {
    for (const TelemetryRule& rule : settings_.telemetry)
        telemetry_.emplace_back(std::vector<ForwardRuleSettings>{{rule.local, rule.client_id, 1, false}});
    // response_topic: whole levels {client_id} and {request_id} become +.
    std::size_t level = 0;
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = settings_.response_topic.find('/', start);
        const std::string_view part = std::string_view{settings_.response_topic}.substr(
            start, end == std::string::npos ? std::string::npos : end - start);
        if (!response_filter_.empty() || start > 0) response_filter_ += '/';
        if (part == kClientId || part == kRequestId) {
            response_filter_ += '+';
            ++level;
            if (part == kRequestId) response_request_level_ = level;
        } else {
            response_filter_ += part;
        }
        if (end == std::string::npos) break;
        start = end + 1;
    }
}

std::vector<std::string> HuaweiIotdaProfile::adjust(BridgeSettings& settings) {
    std::vector<std::string> warnings;
    const IotdaCredentials credentials =
        iotda_credentials(settings_.device_id, settings_.secret, iotda_timestamp(0), settings_.check_timestamp);
    settings.client_id = credentials.client_id;  // the hour is filled in at each attempt
    settings.username = credentials.username;
    if (auto problem = check_no_will(settings.will.topic)) {
        warnings.push_back(*problem + "; the Will is not sent");
        settings.will = CloudMessage{};
    }
    if (!settings.birth.topic.empty()) settings.birth.retain = false;
    if (settings.birth.qos > kMaxQos) settings.birth.qos = kMaxQos;
    if (auto problem = check_keep_alive(static_cast<std::uint32_t>(settings.keep_alive.count()))) {
        const auto seconds = std::clamp<std::int64_t>(settings.keep_alive.count(), kMinKeepAliveSeconds, kMaxKeepAliveSeconds);
        warnings.push_back("keep_alive " + std::to_string(settings.keep_alive.count()) + " s: " + *problem + "; using " +
                           std::to_string(seconds) + " s");
        settings.keep_alive = std::chrono::seconds{seconds};
    }
    if (settings.max_messages_per_second == 0 ||
        settings.max_messages_per_second > static_cast<std::uint32_t>(kMaxUpstreamMessagesPerSecond))
        settings.max_messages_per_second = kMaxUpstreamMessagesPerSecond;
    for (const std::string& address : settings.addresses) {
        const bool port_known = address.ends_with(":" + std::to_string(kMqttPort)) ||
                                address.ends_with(":" + std::to_string(kMqttsPort));
        if (!port_known)
            warnings.push_back(address + ": IoTDA listens on 8883 (MQTTS) and 1883 (MQTT); is the port right?");
    }
    if (!settings.liveness.topic.empty()) {
        warnings.push_back("[bridge.liveness] is not used: device liveness goes as sub-device status events");
        settings.liveness = LivenessSettings{};
    }
    return warnings;
}

std::optional<BridgeSettings> HuaweiIotdaProfile::connect_settings(const BridgeSettings& settings, std::int64_t now_ms) {
    const IotdaCredentials credentials = iotda_credentials(settings_.device_id, settings_.secret,
                                                           iotda_timestamp(now_ms), settings_.check_timestamp);
    BridgeSettings fresh = settings;
    fresh.client_id = credentials.client_id;
    fresh.username = credentials.username;
    fresh.password = credentials.password;
    return fresh;
}

std::optional<std::string> HuaweiIotdaProfile::guard(broker::OutboxRow& row) const {
    auto checked = guard_publish(CloudPublish{row.topic, std::move(row.payload), row.qos, row.retain});
    if (auto* refusal = std::get_if<Refusal>(&checked)) return refusal->reason;
    auto& ok = std::get<CloudPublish>(checked);
    row.payload = std::move(ok.payload);
    row.qos = ok.qos;
    row.retain = ok.retain;
    return std::nullopt;
}

std::optional<broker::OutboxEntry> HuaweiIotdaProfile::translate(const broker::TappedMessage& message,
                                                                 std::int64_t now_ms) const {
    if (auto response = translate_response(message)) {
        response->queued_ms = now_ms;
        return response;
    }
    return translate_telemetry(message, now_ms);
}

// A device's answer to a command: to the platform's response topic.
std::optional<broker::OutboxEntry> HuaweiIotdaProfile::translate_response(const broker::TappedMessage& message) const {
    if (response_request_level_ == 0) return std::nullopt;
    const auto captures = match_filter(response_filter_, message.topic);
    if (!captures || captures->size() < response_request_level_) return std::nullopt;
    const std::string& request_id = (*captures)[response_request_level_ - 1];
    // An IoTDA answer goes as it is; anything else is a successful answer with
    // the payload as its paras (a bare value under "value").
    std::string payload;
    if (is_command_answer(message.payload)) {
        payload = message.payload;
    } else {
        const auto properties = telemetry_properties(message.payload);
        const auto* object = std::get_if<std::string>(&properties);
        payload = object ? command_response_payload(0, {}, *object) : command_response_payload(0);
    }
    return broker::OutboxEntry{command_response_topic(settings_.device_id, request_id), std::move(payload), 1, false, 0};
}

// Telemetry on a configured filter: a property report of its sub-device.
std::optional<broker::OutboxEntry> HuaweiIotdaProfile::translate_telemetry(const broker::TappedMessage& message,
                                                                           std::int64_t now_ms) const {
    for (std::size_t i = 0; i < telemetry_.size(); ++i) {
        const auto client = telemetry_[i].match(message.topic, 1, false);
        if (!client) continue;
        const auto sub_device = devices_.sub_device_id(client->topic);
        if (!sub_device) {
            log::debug("bridge (huawei_iotda): telemetry of " + client->topic + " not reported (no sub-device id)");
            return std::nullopt;
        }
        auto properties = telemetry_properties(message.payload);
        if (const auto* refusal = std::get_if<Refusal>(&properties)) {
            // A device that keeps sending such payloads is logged once in a thousand, not each time.
            const std::uint64_t count = refused_telemetry_.fetch_add(1, std::memory_order_relaxed) + 1;
            if (count % 1000 == 1)
                log::warning("bridge (huawei_iotda): telemetry on " + message.topic + " not reported: " +
                             refusal->reason + " (" + std::to_string(count) + " such messages so far)");
            return std::nullopt;
        }
        const SubDeviceProperties report{*sub_device, settings_.telemetry[i].service_id,
                                         std::get<std::string>(properties), now_ms};
        auto reports = properties_reports(std::span{&report, 1});
        if (reports.empty()) return std::nullopt;
        return broker::OutboxEntry{properties_report_topic(settings_.device_id), std::move(reports.front()),
                                   std::min<std::uint8_t>(message.qos, kMaxQos), false, now_ms};
    }
    return std::nullopt;
}

std::unique_ptr<LivenessFormat> HuaweiIotdaProfile::liveness_format() {
    return std::make_unique<StatusEventFormat>(settings_.device_id, devices_);
}

std::vector<std::pair<std::string, std::uint8_t>> HuaweiIotdaProfile::subscriptions() const {
    return {{commands_filter(settings_.device_id), 1}};
}

std::string HuaweiIotdaProfile::command_topic(std::string_view client_id, std::string_view request_id) const {
    return replace_all(replace_all(settings_.command_topic, kClientId, topic_level_of(client_id)), kRequestId,
                       topic_level_of(request_id));
}

bool HuaweiIotdaProfile::on_cloud_message(const std::string& topic, const std::string& payload, ProfileSink& sink) {
    const auto request_id = command_request_id(topic, settings_.device_id);
    if (!request_id) return false;
    const auto refuse = [&](const std::string& why) {
        sink.report_error("IoTDA command " + *request_id + ": " + why);
        std::string paras = "{\"error\":";
        json::append_string(paras, why);
        paras += '}';
        sink.send_to_cloud(broker::OutboxEntry{command_response_topic(settings_.device_id, *request_id),
                                               command_response_payload(1, "error", paras), 1, false, 0});
    };
    auto parsed = parse_command(*request_id, payload);
    if (const auto* error = std::get_if<CommandError>(&parsed)) {
        refuse(error->reason);
        return true;
    }
    const auto& command = std::get<IotdaCommand>(parsed);
    const auto client_id = devices_.client_id(command.object_device_id);
    if (command.object_device_id.empty() || !client_id) {
        refuse("no field device for object_device_id \"" + command.object_device_id + "\"");
        return true;
    }
    std::string local = "{\"service_id\":";
    json::append_string(local, command.service_id);
    local += ",\"command_name\":";
    json::append_string(local, command.command_name);
    local += ",\"paras\":" + command.paras_json + '}';
    sink.publish_local(broker::LocalMessage{command_topic(*client_id, command.request_id), std::move(local), 1, false});
    return true;
}

}  // namespace wg::bridge::huawei
