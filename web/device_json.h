// JSON for what the liveness and broker ports return (the shapes are documented in
// web/openapi.yaml). A Will payload is written as a string when it is valid UTF-8
// ("payload_encoding": "utf-8"), otherwise as Base64 ("payload_encoding": "base64").
#pragma once

#include <cstdint>

#include "web/json_writer.h"
#include "willgate/broker_status.h"
#include "willgate/liveness.h"

namespace wg::web {

void write_device(JsonWriter& json, const liveness::DeviceStatus& device);
void write_transition(JsonWriter& json, const liveness::Transition& transition);
// `now_ms` gives uptime_seconds.
void write_broker_status(JsonWriter& json, const broker::BrokerStatus& status, std::int64_t now_ms);

// "3.1", "3.1.1", "5.0" for protocol levels 3, 4, 5; "unknown" otherwise.
const char* protocol_name(std::uint8_t protocol_version);

}  // namespace wg::web
