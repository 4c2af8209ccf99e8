#pragma once
// The Paho MQTT C++ options of a bridge's cloud connection: client creation
// (MQTT version, no Paho persistence: the outbox is the durable store) and
// CONNECT (addresses, credentials, keep-alive, clean session/start, TLS, the
// gateway's Will, the in-flight window). Reconnecting is the bridge's own
// (backoff.h), so Paho's automatic reconnect stays off.

#include <functional>
#include <string>

#include <mqtt/connect_options.h>
#include <mqtt/create_options.h>

#include "bridge/bridge_settings.h"

namespace wg::bridge {

mqtt::create_options paho_create_options(const BridgeSettings& settings);

// `tls_error` gets OpenSSL's messages of a failing TLS handshake (Paho's thread).
mqtt::connect_options paho_connect_options(const BridgeSettings& settings,
                                           std::function<void(const std::string&)> tls_error);

}  // namespace wg::bridge
