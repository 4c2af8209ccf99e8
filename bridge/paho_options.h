#pragma once
// The Paho MQTT C++ options of a bridge's cloud connection: client creation
// (MQTT version, no Paho persistence: the outbox is the durable store) and
// CONNECT (addresses, credentials, keep-alive, clean session/start, TLS, the
// gateway's Will, the in-flight window). Reconnecting is the bridge's own
// (backoff.h), so Paho's automatic reconnect stays off.

#include <string>

#include <mqtt/connect_options.h>
#include <mqtt/create_options.h>

#include "bridge/bridge_settings.h"

namespace wg::bridge {

mqtt::create_options paho_create_options(const BridgeSettings& settings);

// (No TLS error handler: Paho C++ 1.2 calls it through a dangling pointer once
// the options are copied; tls_probe.h explains TLS failures instead.)
mqtt::connect_options paho_connect_options(const BridgeSettings& settings);

}  // namespace wg::bridge
