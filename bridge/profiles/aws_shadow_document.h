#pragma once
// The Device Shadow documents of the aws_iot profile: the update that reports
// a device's liveness, and the service's reply to it.
//
// The update (shadow_reported_document):
//
//   {"state":{"reported":{
//      "clientId":"meter-1",
//      "connected":false,
//      "since":"2026-11-25T19:50:00.123Z", "sinceMs":1795636200123,
//      "cause":"keep-alive-timeout",
//      "lastWill":{"topic":"devices/meter-1/status","payload":"offline","payloadEncoding":"utf-8",
//                  "payloadBytes":7,"at":"2026-11-25T19:50:00.125Z","atMs":1795636200125}}},
//    "clientToken":"..."}
//
// - Times: ISO 8601 UTC with milliseconds for people and the console, and the
//   same instant in milliseconds since the Unix epoch for programs and fleet
//   indexing queries (the gateway's $SYS status topics carry the same pair).
// - An update changes only the keys it names, and a key set to null is deleted
//   ("Device Shadow service documents",
//   https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-document.html).
//   So every key is written each time, null when it has no value: "cause" is
//   null while the device is connected, "lastWill" null when none was
//   published, "payload" and "payloadEncoding" null when the payload was left
//   out; nothing from an earlier update lingers.
// - The Will's payload is bytes: valid UTF-8 is written as text
//   ("payloadEncoding":"utf-8"), anything else as Base64 (RFC 4648, "base64"),
//   as the dashboard's API does. "payloadBytes" is its size either way.
// - Size: the shadow holds at most 8 KB of desired and reported state
//   ("Diagnosing problems with shadows",
//   https://docs.aws.amazon.com/iot/latest/developerguide/diagnosing-shadows.html:
//   "The device's shadow supports 8 KB of data only"; only the state counts, not
//   the metadata AWS adds). The whole update is kept within kMaxShadowUpdateBytes
//   (8000: within 8 KB however KB is read, and the state is only part of it): a
//   Will payload that does not fit is left out (its size stays in
//   "payloadBytes"); if the document is still too large, clientId, cause and the
//   Will's topic are cut to 256 bytes (at a UTF-8 character, ending in "...").
//   Nesting stays at 4 levels, within the service's 6 ("Device Shadow error
//   messages", https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-error-messages.html).
// - clientToken ties the service's reply to the update; AWS rejects one longer
//   than 64 bytes (400 "Invalid clientToken", same page), so a longer or empty
//   token is not written.
//
// The reply (parse_shadow_reply): .../update/accepted carries the accepted
// state document with "version", "timestamp" and the "clientToken";
// .../update/rejected an error document {"code":400,"message":"...",
// "timestamp":...,"clientToken":"..."} (device-shadow-document.html, "Error
// response document"). The result has a short text for the log and the
// bridge's status.
//
// Pure functions, any thread; nothing throws on bad input.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "willgate/liveness.h"

namespace wg::bridge::aws {

inline constexpr std::size_t kMaxShadowStateBytes = 8 * 1024;
inline constexpr std::size_t kMaxShadowUpdateBytes = 8000;
inline constexpr std::size_t kMaxClientTokenBytes = 64;
// How much of clientId, cause and the Will's topic is kept when the document is too large.
inline constexpr std::size_t kCutTextBytes = 256;

// One device's liveness as its shadow reports it.
struct DeviceLiveness {
    std::string client_id;
    bool connected = false;
    std::int64_t since_ms = 0;  // connected since, or disconnected since
    std::string cause;          // why it disconnected; empty while connected
    std::optional<liveness::PublishedWill> last_will;  // the last Will published for it
};

std::string shadow_reported_document(const DeviceLiveness& device, std::string_view client_token = {});

struct ShadowReply {
    bool accepted = false;
    bool readable = false;        // the payload was a JSON object
    int code = 0;                 // rejected: the HTTP-style error code (400, 404, 409, 413, 429, ...)
    std::string message;          // rejected: the service's message
    std::string client_token;     // as sent with the update; empty if none
    std::optional<std::int64_t> version;  // accepted: the shadow's new version
    std::string summary;          // "accepted (version 12)", "rejected: 413 The payload exceeds ..."
};

// `accepted`: the reply came on .../update/accepted (else .../update/rejected).
ShadowReply parse_shadow_reply(bool accepted, std::string_view payload);

}  // namespace wg::bridge::aws
