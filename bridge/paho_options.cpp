#include "bridge/paho_options.h"

#include <MQTTAsync.h>
#include <mqtt/ssl_options.h>
#include <mqtt/string_collection.h>
#include <mqtt/will_options.h>

namespace wg::bridge {
namespace {

// How long one connection attempt (TCP, TLS, CONNACK) may take.
constexpr std::chrono::seconds kConnectTimeout{10};
// Room in Paho's queue beyond the window: the birth message and a few more.
constexpr int kBufferedBeyondWindow = 16;

bool uses_tls(const BridgeSettings& settings) {
    const std::string& first = settings.addresses.front();
    return first.starts_with("ssl://") || first.starts_with("mqtts://");
}

}  // namespace

void quiet_paho_trace() { MQTTAsync_setTraceLevel(MQTTASYNC_TRACE_ERROR); }

mqtt::create_options paho_create_options(const BridgeSettings& settings) {
    mqtt::create_options options{settings.mqtt5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1};
    // Paho C counts every publish its sending thread has not taken yet against
    // this limit, connected or not (default 100), and refuses the next one
    // (MQTTASYNC_MAX_BUFFERED_MESSAGES): a window above it would stall for the
    // bridge's publish retry delay over and over. The bridge's window bounds
    // what it hands to Paho, so the limit only has to be above the window.
    options.set_max_buffered_messages(static_cast<int>(settings.max_inflight) + kBufferedBeyondWindow);
    return options;
}

std::unique_ptr<mqtt::connect_options> paho_connect_options(const BridgeSettings& settings) {
    auto made = std::make_unique<mqtt::connect_options>();
    mqtt::connect_options& options = *made;
    options.set_mqtt_version(settings.mqtt5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1);
    if (settings.mqtt5) {
        options.set_clean_start(settings.clean_session);
        if (settings.session_expiry != 0)
            options.set_properties({{mqtt::property::SESSION_EXPIRY_INTERVAL, static_cast<int>(settings.session_expiry)}});
    } else {
        options.set_clean_session(settings.clean_session);
    }
    options.set_servers(mqtt::string_collection::create(settings.addresses));
    options.set_keep_alive_interval(settings.keep_alive);
    options.set_connect_timeout(kConnectTimeout);
    options.set_automatic_reconnect(false);
    // Paho never holds back a publish the bridge's own window let through.
    options.set_max_inflight(static_cast<int>(settings.max_inflight) + 1);
    if (!settings.username.empty()) options.set_user_name(settings.username);
    if (!settings.password.empty()) options.set_password(settings.password);
    if (!settings.will.topic.empty())
        options.set_will(mqtt::will_options{settings.will.topic, settings.will.payload, settings.will.qos,
                                            settings.will.retain});
    if (uses_tls(settings)) {
        mqtt::ssl_options ssl;
        if (!settings.ca_file.empty()) ssl.set_trust_store(settings.ca_file);
        if (!settings.cert_file.empty()) ssl.set_key_store(settings.cert_file);
        if (!settings.key_file.empty()) ssl.set_private_key(settings.key_file);
        ssl.set_enable_server_cert_auth(settings.verify);
        ssl.set_verify(settings.verify);
        if (!settings.alpn.empty()) ssl.set_alpn_protos(settings.alpn);
        options.set_ssl(std::move(ssl));
    }
    return made;
}

}  // namespace wg::bridge
