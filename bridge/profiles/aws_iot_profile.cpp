#include "bridge/profiles/aws_iot_profile.h"

#include <algorithm>
#include <charconv>

#include "bridge/profiles/aws_guards.h"
#include "bridge/profiles/aws_shadow_document.h"
#include "common/log.h"

namespace wg::bridge::aws {
namespace {

struct HostPort {
    std::string host;
    std::uint16_t port = 0;
};

// "ssl://host:port" -> host, port (config has checked the form; IPv6 in []).
HostPort host_port(std::string_view address) {
    HostPort result;
    if (const std::size_t scheme = address.find("://"); scheme != std::string_view::npos)
        address.remove_prefix(scheme + 3);
    const std::size_t colon = address.rfind(':');
    if (colon == std::string_view::npos) return {std::string{address}, 0};
    std::string_view host = address.substr(0, colon);
    if (host.starts_with('[') && host.ends_with(']')) host = host.substr(1, host.size() - 2);
    result.host = std::string{host};
    const std::string_view port = address.substr(colon + 1);
    std::from_chars(port.data(), port.data() + port.size(), result.port);
    return result;
}

// The Will or birth on the cloud connection, checked like any message (a refused one is dropped).
void check_connection_message(CloudMessage& message, const std::optional<ShadowSettings>& shadows,
                              std::string_view what, std::vector<std::string>& warnings, bool will) {
    if (message.topic.empty()) return;
    OutgoingMessage outgoing{message.topic, message.payload.size(), message.qos, message.retain};
    auto checked = will ? check_will(outgoing, shadows) : check_outgoing(outgoing, shadows);
    if (const auto* refusal = std::get_if<Refusal>(&checked)) {
        warnings.push_back(std::string{what} + " is not sent: " + refusal->reason);
        message = CloudMessage{};
        return;
    }
    const auto& ok = std::get<OutgoingMessage>(checked);
    if (ok.qos != message.qos) warnings.push_back(std::string{what} + " goes with QoS 1 (AWS IoT Core has no QoS 2)");
    message.qos = ok.qos;
    message.retain = ok.retain;
}

// Each change as an update of the device's shadow.
class ShadowFormat final : public LivenessFormat {
public:
    explicit ShadowFormat(ShadowSettings settings) : settings_{std::move(settings)} {}

    std::vector<broker::OutboxEntry> format(std::span<const liveness::Transition> changes,
                                            liveness::LivenessReader& reader, std::int64_t now_ms) override {
        std::vector<broker::OutboxEntry> entries;
        for (const liveness::Transition& change : changes) {
            const ShadowTarget target = shadow_target(settings_, change.client_id);
            if (!target) {
                log::warning("bridge (aws_iot): no shadow for device " + change.client_id + ": " + target.error);
                continue;
            }
            DeviceLiveness device{change.client_id, change.online, change.at_ms, change.online ? "" : change.cause, {}};
            if (const auto status = reader.device(change.client_id)) device.last_will = status->last_will;
            entries.push_back(broker::OutboxEntry{shadow_update_topic(target.thing, target.shadow_name),
                                                  shadow_reported_document(device, std::to_string(change.sequence)),
                                                  1, false, now_ms});
        }
        return entries;
    }

private:
    ShadowSettings settings_;
};

}  // namespace

AwsIotProfile::AwsIotProfile(AwsIotSettings settings) : settings_{std::move(settings)} {
    if (settings_.shadows)
        shadows_ = ShadowSettings{settings_.mode, settings_.thing_name, settings_.device_thing_prefix};
}

std::vector<std::string> AwsIotProfile::adjust(BridgeSettings& settings) {
    std::vector<std::string> warnings;
    if (settings.client_id.empty()) settings.client_id = settings_.thing_name;
    if (auto problem = check_client_id(settings.client_id)) warnings.push_back("client id: " + *problem);
    for (const std::string& address : settings.addresses) {
        if (!(address.starts_with("ssl://") || address.starts_with("mqtts://")))
            warnings.push_back(address + ": AWS IoT Core accepts MQTT over TLS only (ssl://ENDPOINT:8883)");
        const HostPort where = host_port(address);
        if (where.port == kMqttAlpnPort && settings.alpn.empty()) settings.alpn.emplace_back(kMqttAlpnProtocol);
        if (auto problem = check_endpoint(where.host, where.port, settings.alpn)) warnings.push_back(address + ": " + *problem);
    }
    if (settings.cert_file.empty())
        warnings.push_back("no cert_file: AWS IoT Core authenticates the gateway by its X.509 certificate");
    const std::chrono::seconds keep_alive = settings.keep_alive;
    if (auto problem = check_keep_alive(keep_alive)) {
        settings.keep_alive = std::clamp(keep_alive, kMinKeepAlive, kMaxKeepAlive);
        warnings.push_back("keep_alive " + std::to_string(keep_alive.count()) + " s: " + *problem + "; using " +
                           std::to_string(settings.keep_alive.count()) + " s");
    }
    settings.max_inflight = unacknowledged_window(settings.max_inflight);
    if (settings.max_messages_per_second == 0 || settings.max_messages_per_second > kMaxPublishesPerSecond)
        settings.max_messages_per_second = kMaxPublishesPerSecond;
    if (settings.max_bytes_per_second == 0 || settings.max_bytes_per_second > kMaxBytesPerSecond)
        settings.max_bytes_per_second = kMaxBytesPerSecond;
    check_connection_message(settings.will, shadows_, "the Will", warnings, true);
    check_connection_message(settings.birth, shadows_, "the birth message", warnings, false);
    if (shadows_ && !settings.liveness.topic.empty()) {
        warnings.push_back("[bridge.liveness] is not used: device liveness goes to the Device Shadows");
        settings.liveness = LivenessSettings{};
    }
    return warnings;
}

std::optional<std::string> AwsIotProfile::guard(broker::OutboxRow& row) const {
    auto checked = check_outgoing(OutgoingMessage{row.topic, row.payload.size(), row.qos, row.retain}, shadows_);
    if (const auto* refusal = std::get_if<Refusal>(&checked)) return refusal->reason;
    const auto& ok = std::get<OutgoingMessage>(checked);
    row.qos = ok.qos;
    row.retain = ok.retain;
    return std::nullopt;
}

std::unique_ptr<LivenessFormat> AwsIotProfile::liveness_format() {
    if (!shadows_) return nullptr;
    return std::make_unique<ShadowFormat>(*shadows_);
}

std::vector<std::pair<std::string, std::uint8_t>> AwsIotProfile::subscriptions() const {
    std::vector<std::pair<std::string, std::uint8_t>> filters;
    if (shadows_)
        for (std::string& filter : shadow_reply_filters(*shadows_)) filters.emplace_back(std::move(filter), 1);
    return filters;
}

bool AwsIotProfile::on_cloud_message(const std::string& topic, const std::string& payload, ProfileSink& sink) {
    if (!shadows_) return false;
    const auto reply_topic = shadow_reply(*shadows_, topic);
    if (!reply_topic) return false;
    const ShadowReply reply = parse_shadow_reply(reply_topic->accepted, payload);
    if (reply.accepted) {
        log::debug("bridge (aws_iot): shadow of " + reply_topic->client_id + " updated: " + reply.summary);
        return true;
    }
    // Throttled (429: more than 10 shadow requests in flight, or over the
    // thing's request rate) or a service error (5xx): the update is lost, so the
    // device's current state goes again, behind what is queued.
    const bool retry = reply.code == 429 || reply.code >= 500;
    sink.report_error("the shadow update of device " + reply_topic->client_id + " was " + reply.summary +
                      (retry ? "; sending its current state again" : ""));
    if (retry) sink.resend_liveness(reply_topic->client_id);
    return true;
}

}  // namespace wg::bridge::aws
