#pragma once
// The building blocks willgate-bench shares with willgate-sim (mqtt_load/: event loop,
// sockets, MQTT framing and packets, timers, options), under the short names the bench's
// scenarios use.

#include "mqtt_load/clock.h"
#include "mqtt_load/disconnect.h"
#include "mqtt_load/event_loop.h"
#include "mqtt_load/mqtt_client.h"
#include "mqtt_load/mqtt_packets.h"
#include "mqtt_load/options.h"
#include "mqtt_load/periodic_timer.h"
#include "mqtt_load/run_until.h"
#include "mqtt_load/stop_request.h"
#include "mqtt_load/tcp.h"

namespace wg::bench {

namespace mqtt = mqtt_load::mqtt;
using mqtt_load::ClientHandler;
using mqtt_load::disconnect_gracefully;
using mqtt_load::EventLoop;
using mqtt_load::kNanosPerMilli;
using mqtt_load::kNanosPerSecond;
using mqtt_load::monotonic_ns;
using mqtt_load::MqttClient;
using mqtt_load::Options;
using mqtt_load::parse_address;
using mqtt_load::PeriodicTimer;
using mqtt_load::raise_open_files_limit;
using mqtt_load::run_until;
using mqtt_load::run_until_quiet;
using mqtt_load::seconds_between;
using mqtt_load::StopRequest;
using mqtt_load::UniqueFd;
using mqtt_load::UsageError;

}  // namespace wg::bench
