// Random bytes for salts, session ids and CSRF tokens, from OpenSSL's CSPRNG (RAND_bytes).
// Callable from any thread. Throws std::runtime_error if OpenSSL cannot produce them.
#pragma once

#include <cstddef>
#include <string>

namespace wg::web {

std::string random_bytes(std::size_t count);

// `count` random bytes as URL-safe Base64 without padding (cookie and header safe).
std::string random_token(std::size_t count);

}  // namespace wg::web
