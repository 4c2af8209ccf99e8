#include "gateway/bridge_settings.h"

#include "bridge/profiles/aws_iot_profile.h"
#include "bridge/profiles/huawei_iotda_profile.h"

namespace wg::gateway {

bridge::BridgeSettings bridge_settings(const config::Bridge& bridge) {
    bridge::BridgeSettings settings;
    settings.name = bridge.name;
    settings.addresses = bridge.addresses;
    settings.mqtt5 = bridge.mqtt_version == "5";
    settings.client_id = bridge.client_id;
    settings.username = bridge.username;
    settings.password = bridge.password;
    settings.keep_alive = std::chrono::seconds(bridge.keep_alive);
    settings.clean_session = bridge.clean_session;
    settings.session_expiry = bridge.session_expiry;
    settings.ca_file = bridge.ca_file;
    settings.cert_file = bridge.cert_file;
    settings.key_file = bridge.key_file;
    settings.alpn = bridge.alpn;
    settings.verify = bridge.verify;
    settings.will = bridge::CloudMessage{bridge.will_topic, bridge.will_payload, bridge.will_qos, bridge.will_retain};
    settings.birth =
        bridge::CloudMessage{bridge.birth_topic, bridge.birth_payload, bridge.birth_qos, bridge.birth_retain};
    settings.reconnect_initial = std::chrono::milliseconds(bridge.reconnect_initial_ms);
    settings.reconnect_max = std::chrono::milliseconds(bridge.reconnect_max_ms);
    settings.max_inflight = bridge.max_inflight;
    settings.max_messages_per_second = bridge.max_messages_per_second;
    settings.max_bytes_per_second = bridge.max_bytes_per_second;
    settings.outbox = broker::OutboxBounds{bridge.outbox_max_messages, bridge.outbox_max_bytes};
    for (const config::ForwardRule& rule : bridge.forward)
        settings.forward.push_back(bridge::ForwardRuleSettings{rule.local, rule.remote, rule.qos, rule.retain});
    for (const config::DownlinkRule& rule : bridge.downlink)
        settings.downlink.push_back(bridge::DownlinkRuleSettings{rule.remote, rule.local, rule.qos, rule.retain});
    settings.liveness = bridge::LivenessSettings{bridge.liveness.topic, bridge.liveness.qos, bridge.liveness.retain};
    return settings;
}


std::unique_ptr<bridge::CloudProfile> bridge_profile(const config::Bridge& bridge) {
    if (bridge.profile == "aws_iot") {
        bridge::aws::AwsIotSettings aws;
        aws.thing_name = bridge.aws_iot.thing_name;
        aws.shadows = bridge.aws_iot.shadow != "none";
        aws.mode = bridge.aws_iot.shadow == "classic" ? bridge::aws::ShadowMode::ClassicShadowPerDevice
                                                      : bridge::aws::ShadowMode::NamedShadowOfGateway;
        aws.device_thing_prefix = bridge.aws_iot.device_thing_prefix;
        return std::make_unique<bridge::aws::AwsIotProfile>(std::move(aws));
    }
    if (bridge.profile == "huawei_iotda") {
        const config::HuaweiIotda& config = bridge.huawei_iotda;
        bridge::huawei::HuaweiIotdaSettings huawei;
        huawei.device_id = config.device_id;
        huawei.secret = config.secret;
        huawei.check_timestamp = config.check_timestamp;
        huawei.devices.table = config.sub_devices;
        huawei.devices.template_text = config.sub_device_id;
        for (const config::HuaweiTelemetry& rule : config.telemetry)
            huawei.telemetry.push_back(bridge::huawei::TelemetryRule{rule.local, rule.client_id, rule.service_id});
        huawei.command_topic = config.command_topic;
        huawei.response_topic = config.response_topic;
        return std::make_unique<bridge::huawei::HuaweiIotdaProfile>(std::move(huawei));
    }
    return std::make_unique<bridge::GenericProfile>();
}

}  // namespace wg::gateway
