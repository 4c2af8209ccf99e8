// Byte-level encodings the web module needs: Base64 (standard and URL-safe,
// unpadded) and percent-decoding of URL parts.
//
// Pure functions: no state, no allocation beyond the returned string, callable from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/utf8.h"

namespace wg::web {

using wg::is_valid_utf8;  // common/utf8.h

// RFC 4648 Base64 with padding ("TWE=").
std::string base64_encode(std::string_view bytes);
// Standard Base64, padding optional; nullopt for any other character or a bad length.
std::optional<std::string> base64_decode(std::string_view text);
// RFC 4648 section 5 (URL and cookie safe: '-' and '_'), without padding.
std::string base64url_encode(std::string_view bytes);

// "%2F" -> "/"; '+' stays '+' (path segments). nullopt for a '%' not followed by two hex digits.
std::optional<std::string> percent_decode(std::string_view text);
// As percent_decode, but '+' is a space (application/x-www-form-urlencoded and query strings).
std::optional<std::string> form_decode(std::string_view text);

}  // namespace wg::web
