#include "bridge/profiles/hmac.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

namespace wg::bridge {

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
    // OpenSSL refuses a null key pointer even with length 0, so an empty key points here.
    static const unsigned char kEmpty = 0;
    const void* const key_bytes = key.empty() ? static_cast<const void*>(&kEmpty) : key.data();
    const auto* const message_bytes =
        message.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(message.data());

    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (HMAC(EVP_sha256(), key_bytes, static_cast<int>(key.size()), message_bytes, message.size(),
             digest, &length) == nullptr) {
        throw std::runtime_error{"HMAC-SHA256 failed in OpenSSL"};
    }

    constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(2 * length);
    for (unsigned int i = 0; i < length; ++i) {
        hex += kHex[digest[i] >> 4];
        hex += kHex[digest[i] & 0xF];
    }
    return hex;
}

}  // namespace wg::bridge
