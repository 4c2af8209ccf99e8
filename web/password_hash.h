// Password hashes for the dashboard users: PBKDF2-HMAC-SHA256 in a self-describing text form
//
//   pbkdf2-sha256$ITERATIONS$SALT_BASE64$HASH_BASE64
//
// (standard Base64 with padding; a 16-byte random salt and a 32-byte hash), as printed by
// `willgate passwd` and written into [[web.user]] password_hash.
//
// Pure functions over OpenSSL (PKCS5_PBKDF2_HMAC, RAND_bytes, CRYPTO_memcmp); callable from
// any thread. Hashing is deliberately slow: about kDefaultIterations SHA-256 blocks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wg::web {

inline constexpr std::uint32_t kDefaultIterations = 200000;
inline constexpr std::uint32_t kMinimumIterations = 100000;  // hashes with fewer are refused
inline constexpr std::size_t kSaltBytes = 16;
inline constexpr std::size_t kHashBytes = 32;

struct PasswordHash {
    std::uint32_t iterations = 0;
    std::string salt;  // bytes
    std::string hash;  // bytes
};

// The raw derivation: PBKDF2-HMAC-SHA256(password, salt, iterations) -> `length` bytes.
std::string pbkdf2_sha256(std::string_view password, std::string_view salt, std::uint32_t iterations,
                          std::size_t length);

// A new hash of `password` with a random salt, in the text form.
std::string make_password_hash(std::string_view password, std::uint32_t iterations = kDefaultIterations);

// Parses the text form; nullopt when it is not one (wrong scheme, bad number, bad Base64,
// empty salt or hash, fewer than kMinimumIterations iterations).
std::optional<PasswordHash> parse_password_hash(std::string_view text);

std::string format_password_hash(const PasswordHash& hash);

// Whether `password` matches `hash` (constant-time comparison of the derived bytes).
bool verify_password(std::string_view password, const PasswordHash& hash);

}  // namespace wg::web
