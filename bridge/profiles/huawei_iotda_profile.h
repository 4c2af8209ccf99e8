#pragma once
// The huawei_iotda cloud profile (cloud_profile.h): the gateway acts as an
// IoTDA gateway device for its field devices (sub-devices).
//
// - Connection: client id, username and password computed from the gateway's
//   device id and secret at every connection attempt (huawei_credentials.h;
//   the client id changes every hour); keep-alive kept within 30..1200 s; no
//   Will (IoTDA supports none: a configured one is dropped with a warning);
//   sending shaped to 50 messages/s (a lower configured limit stands).
// - Guards (huawei_guards.h): QoS at most 1, RETAIN cleared, a message over
//   1 MB set aside with the reason.
// - Liveness: device online/offline changes as sub_device_update_status
//   events on $oc/devices/{gateway}/sys/events/up, up to 100 per event; client
//   ids map to sub-device ids by a table and/or a template (huawei_device_map.h).
// - Telemetry: each message on a configured local filter becomes a property
//   report of its sub-device on .../sys/gateway/sub_devices/properties/report
//   (the client id comes from the topic: a template of the filter's captures).
// - Commands: a platform command on .../sys/commands/request_id={id} for a
//   sub-device is published locally on command_topic ({client_id},
//   {request_id}) with {"service_id","command_name","paras"}; the device answers
//   on response_topic and the answer goes to
//   .../sys/commands/response/request_id={id}. A command for an unknown device,
//   or one that cannot be read, is answered with result_code 1 at once.
//
// Threading: as CloudProfile.

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "bridge/cloud_profile.h"
#include "bridge/forward_rules.h"
#include "bridge/profiles/huawei_device_map.h"

namespace wg::bridge::huawei {

struct TelemetryRule {
    std::string local;                 // local topic filter
    std::string client_id = "{1}";     // the device's client id: {topic}, {1}, {2}, ... of the filter
    std::string service_id;            // the service of the device's product model
};

struct HuaweiIotdaSettings {
    std::string device_id;             // the gateway's IoTDA device id
    std::string secret;                // its secret
    bool check_timestamp = true;       // sign type 1 (see huawei_credentials.h)
    DeviceMapSettings devices;         // gateway_id is device_id
    std::vector<TelemetryRule> telemetry;
    std::string command_topic = "devices/{client_id}/commands/{request_id}";
    std::string response_topic = "devices/{client_id}/commands/{request_id}/response";
};

class HuaweiIotdaProfile final : public CloudProfile {
public:
    explicit HuaweiIotdaProfile(HuaweiIotdaSettings settings);

    std::string_view name() const override { return "huawei_iotda"; }
    std::vector<std::string> adjust(BridgeSettings& settings) override;
    std::optional<BridgeSettings> connect_settings(const BridgeSettings& settings, std::int64_t now_ms) override;
    std::optional<std::string> guard(broker::OutboxRow& row) const override;
    bool guards() const override { return true; }
    std::optional<broker::OutboxEntry> translate(const broker::TappedMessage& message, std::int64_t now_ms) const override;
    std::unique_ptr<LivenessFormat> liveness_format() override;
    std::vector<std::pair<std::string, std::uint8_t>> subscriptions() const override;
    bool on_cloud_message(const std::string& topic, const std::string& payload, ProfileSink& sink) override;

    // The local topic of a command (placeholders filled in; the client id as one level).
    std::string command_topic(std::string_view client_id, std::string_view request_id) const;

private:
    std::optional<broker::OutboxEntry> translate_response(const broker::TappedMessage& message) const;
    std::optional<broker::OutboxEntry> translate_telemetry(const broker::TappedMessage& message,
                                                           std::int64_t now_ms) const;

    HuaweiIotdaSettings settings_;
    DeviceMap devices_;
    std::vector<ForwardRules> telemetry_;  // one per rule: the filter and its client id template
    std::string response_filter_;          // response_topic with + for its placeholders
    std::size_t response_request_level_ = 0;  // which capture holds the request id (1-based)
    mutable std::atomic<std::uint64_t> refused_telemetry_{0};  // payloads with no property to report
};

}  // namespace wg::bridge::huawei
