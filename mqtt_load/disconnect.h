#pragma once
// Ends a group of connections the polite way: DISCONNECT to each, then wait for the broker
// to close its end (which MQTT says it must) before closing ours. The broker's side thus
// takes the TIME_WAIT state, and the tool's ephemeral ports are free for the next run at
// once; thousands of client-side TIME_WAIT sockets would slow down later connects.
// Connections still open after timeout_ns are closed with an RST.

#include <cstdint>
#include <memory>
#include <span>

#include "mqtt_load/event_loop.h"
#include "mqtt_load/mqtt_client.h"

namespace wg::mqtt_load {

// The handlers must expect on_closed() for these clients while this runs.
void disconnect_gracefully(EventLoop& loop, std::span<const std::unique_ptr<MqttClient>> clients,
                           std::int64_t timeout_ns);

}  // namespace wg::mqtt_load
