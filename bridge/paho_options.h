#pragma once
// The Paho MQTT C++ options of a bridge's cloud connection: client creation
// (MQTT version, no Paho persistence: the outbox is the durable store) and
// CONNECT (addresses, credentials, keep-alive, clean session/start, TLS, the
// gateway's Will, the in-flight window). Reconnecting is the bridge's own
// (backoff.h), so Paho's automatic reconnect stays off.

#include <memory>
#include <string>

#include <mqtt/connect_options.h>
#include <mqtt/create_options.h>

#include "bridge/bridge_settings.h"

namespace wg::bridge {

// Paho C formats a trace line (vsnprintf under a process-wide mutex) for every
// packet it sends or receives, into an in-memory ring kept for its own crash
// dumps, unless its trace level is ERROR or above. Nothing reads that ring
// here, and the formatting showed in every profile of a busy bridge: this
// raises the level (process-wide; any thread, any number of times).
void quiet_paho_trace();

mqtt::create_options paho_create_options(const BridgeSettings& settings);

// Built in place and never copied or moved: Paho C++ 1.2 keeps pointers into
// the object (the CONNECT properties, the TLS error handler) that a copy or a
// move leaves pointing at the old one, so MQTT 5's Session Expiry Interval went
// missing. (No TLS error handler for the same reason; tls_probe.h explains TLS
// failures instead.)
std::unique_ptr<mqtt::connect_options> paho_connect_options(const BridgeSettings& settings);

}  // namespace wg::bridge
