#pragma once
// UTF-8 as MQTT (1.5.4) and JSON need it.
//
// Pure, any thread.

#include <string_view>

namespace wg {

// Whether `bytes` is well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view bytes);

}  // namespace wg
