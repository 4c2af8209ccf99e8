#pragma once
// The aws_iot cloud profile (cloud_profile.h): a bridge to AWS IoT Core.
//
// - Connection: the client id is the thing name unless configured; TLS with the
//   thing's X.509 certificate; port 8883, or 443 with ALPN x-amzn-mqtt-ca
//   (added when the address uses 443 and no ALPN is configured); keep-alive
//   kept within 30..1200 s; at most 100 unacknowledged QoS 1 publishes; sending
//   shaped to 100 publishes/s and 512 KiB/s (lower configured limits stand).
//   See aws_guards.h for the sources.
// - Guards: every message is checked before it is sent (aws_guards.h): QoS 2
//   goes as 1; a payload over 128 KiB, a topic over 256 bytes or 7 slashes, a
//   reserved topic other than a device's shadow update is set aside with the
//   reason. The gateway's Will and birth pass the same checks (a refused one
//   is dropped, with a warning).
// - Liveness: each device change updates its Device Shadow (aws_shadow.h:
//   a named shadow of the gateway's thing per device, or the classic shadow of
//   a thing per device) with the reported document of aws_shadow_document.h.
//   The service's replies (.../update/accepted, .../update/rejected) are read;
//   a rejection is logged and shown as the bridge's last error.
//
// Threading: as CloudProfile.

#include <optional>
#include <string>

#include "bridge/cloud_profile.h"
#include "bridge/profiles/aws_shadow.h"

namespace wg::bridge::aws {

struct AwsIotSettings {
    std::string thing_name;              // the gateway's thing
    bool shadows = true;                 // device liveness as shadow updates
    ShadowMode mode = ShadowMode::NamedShadowOfGateway;
    std::string device_thing_prefix;     // ClassicShadowPerDevice: thing = prefix + escaped client id
};

class AwsIotProfile final : public CloudProfile {
public:
    explicit AwsIotProfile(AwsIotSettings settings);

    std::string_view name() const override { return "aws_iot"; }
    std::vector<std::string> adjust(BridgeSettings& settings) override;
    std::optional<std::string> guard(broker::OutboxRow& row) const override;
    bool guards() const override { return true; }
    std::unique_ptr<LivenessFormat> liveness_format() override;
    std::vector<std::pair<std::string, std::uint8_t>> subscriptions() const override;
    bool on_cloud_message(const std::string& topic, const std::string& payload, ProfileSink& sink) override;

private:
    AwsIotSettings settings_;
    std::optional<ShadowSettings> shadows_;
};

}  // namespace wg::bridge::aws
