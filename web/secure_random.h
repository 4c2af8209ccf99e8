// Random bytes for salts, session ids and CSRF tokens.
//
// random_bytes() is OpenSSL's CSPRNG (RAND_bytes), used for password salts. random_token()
// reads the kernel's CSPRNG (getrandom(2)) directly: the server makes tokens at start-up and
// for every login, and initialising OpenSSL for that would cost the idle gateway about 2 MiB
// of resident memory before anyone has logged in.
// Callable from any thread. Throw std::runtime_error if no random bytes can be had.
#pragma once

#include <cstddef>
#include <string>

namespace wg::web {

std::string random_bytes(std::size_t count);

// `count` random bytes (getrandom) as URL-safe Base64 without padding (cookie and header safe).
std::string random_token(std::size_t count);

}  // namespace wg::web
