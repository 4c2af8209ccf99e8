#pragma once
// Writing JSON text by hand, safely: strings are escaped per RFC 8259 (quotes,
// backslash, control characters), and so are U+2028/U+2029 and "<", ">", "&"
// (so the text is also safe inside HTML and <script>); bytes that are not
// valid UTF-8 become U+FFFD.
//
// Pure functions, any thread.

#include <cstdint>
#include <string>
#include <string_view>

namespace wg::json {

// Appends `text` as a JSON string literal, quotes included.
void append_string(std::string& out, std::string_view text);

// "2026-01-01T12:00:00.000Z" for milliseconds since the Unix epoch.
std::string iso8601_utc(std::int64_t epoch_ms);

}  // namespace wg::json
