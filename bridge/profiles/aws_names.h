#pragma once
// AWS IoT thing names and shadow names for MQTT client ids.
//
// AWS allows only [a-zA-Z0-9:_-] in both, at most 128 bytes in a thing name
// and 64 in a shadow name (UpdateThingShadow, "URI Request Parameters":
// https://docs.aws.amazon.com/iot/latest/apireference/API_iotdata_UpdateThingShadow.html
// thingName: 1..128, pattern [a-zA-Z0-9:_-]+; shadowName: 1..64, pattern
// [$a-zA-Z0-9:_-]+ -- a '$' is allowed there but never produced here).
// A client id may be any UTF-8 up to 65535 bytes, so it is escaped:
//
//   - A-Z a-z 0-9 ':' '-' stay as they are;
//   - every other byte, '_' included, becomes '_' and two upper-case hex
//     digits: "meter.1" -> "meter_2E1", "a_b" -> "a_5Fb", "ü" -> "_C3_BC".
//
// Each '_' starts an escape, so the escaped text reads back one way only:
// different client ids never share a name (the escaping is injective), and
// unescape_name() recovers the client id. A client id that does not fit the
// length once escaped (or an empty one) gets no name, with the reason.
//
// Pure functions, any thread.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace wg::bridge::aws {

inline constexpr std::size_t kMaxThingNameBytes = 128;
inline constexpr std::size_t kMaxShadowNameBytes = 64;

// A name for AWS, or why there is none.
struct AwsName {
    std::string value;  // valid when `error` is empty
    std::string error;
    explicit operator bool() const { return error.empty(); }
};

// Whether `name` has 1..max_bytes characters out of [a-zA-Z0-9:_-].
bool is_valid_aws_name(std::string_view name, std::size_t max_bytes);

// The escaping above, without a length check.
std::string escape_name(std::string_view client_id);
// The client id whose escape_name() is `name`; nullopt when `name` is not an
// output of escape_name() (a character AWS does not allow, a bad or lower-case
// escape).
std::optional<std::string> unescape_name(std::string_view name);

// "meter-1" -> "meter-1" as a shadow name (at most 64 bytes).
AwsName shadow_name_for(std::string_view client_id);
// `prefix` + escaped client id as a thing name (at most 128 bytes); `prefix`
// (may be empty) must itself be made of allowed characters.
AwsName thing_name_for(std::string_view prefix, std::string_view client_id);

}  // namespace wg::bridge::aws
