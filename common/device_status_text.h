#pragma once
// One device's status as text, the same wherever it appears: on the local
// broker's $SYS/willgate/devices/{client id}/status topics and in the liveness
// messages a bridge sends to the cloud.
//
//   {"client_id":"meter-1","online":false,"since":"2026-01-01T12:00:00.000Z",
//    "since_ms":1767268800000,"cause":"keep-alive-timeout","reason":"...",
//    "peer":"10.0.0.7:51000"}
//
// Pure functions, any thread.

#include <cstdint>
#include <string>
#include <string_view>

namespace wg {

// A client id as one topic level: "/", "+", "#" and "%" are written %2F, %2B,
// %23 and %25 (a level cannot hold wildcards, and "/" would split it). Other
// bytes are kept, so distinct client ids give distinct levels.
std::string topic_level_of(std::string_view client_id);

// The JSON above; `cause` and `reason` are empty while the device is online.
std::string device_status_json(std::string_view client_id, bool online, std::int64_t since_ms, std::string_view cause,
                               std::string_view reason, std::string_view peer);

}  // namespace wg
