#pragma once
// HMAC-SHA256 (RFC 2104 with SHA-256) as lowercase hexadecimal text, on OpenSSL's libcrypto.
// Cloud profiles sign with it (Huawei IoTDA's MQTT password, see huawei_credentials.h).
//
// Pure function, any thread. Throws std::runtime_error only if libcrypto itself fails
// (out of memory), which the caller treats as a broken invariant.

#include <string>
#include <string_view>

namespace wg::bridge {

// 64 lowercase hex digits: HMAC-SHA256 of `message` under `key`. Both are bytes (any
// length, empty included).
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

}  // namespace wg::bridge
