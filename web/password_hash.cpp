#include "web/password_hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <charconv>
#include <stdexcept>
#include <vector>

#include "web/secure_random.h"
#include "web/text_encoding.h"

namespace wg::web {
namespace {

constexpr std::string_view kScheme = "pbkdf2-sha256";

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t end = text.find(separator, start);
        parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos) {
            return parts;
        }
        start = end + 1;
    }
}

}  // namespace

std::string pbkdf2_sha256(std::string_view password, std::string_view salt, std::uint32_t iterations,
                          std::size_t length) {
    std::string out(length, '\0');
    if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                          reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                          static_cast<int>(iterations), EVP_sha256(), static_cast<int>(length),
                          reinterpret_cast<unsigned char*>(out.data())) != 1) {
        throw std::runtime_error("OpenSSL PKCS5_PBKDF2_HMAC failed");
    }
    return out;
}

std::string make_password_hash(std::string_view password, std::uint32_t iterations) {
    PasswordHash hash;
    hash.iterations = iterations;
    hash.salt = random_bytes(kSaltBytes);
    hash.hash = pbkdf2_sha256(password, hash.salt, iterations, kHashBytes);
    return format_password_hash(hash);
}

std::optional<PasswordHash> parse_password_hash(std::string_view text) {
    const std::vector<std::string_view> parts = split(text, '$');
    if (parts.size() != 4 || parts[0] != kScheme) {
        return std::nullopt;
    }
    PasswordHash hash;
    const std::string_view number = parts[1];
    const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), hash.iterations);
    if (number.empty() || error != std::errc{} || end != number.data() + number.size() ||
        hash.iterations < kMinimumIterations || hash.iterations > 100'000'000) {
        return std::nullopt;
    }
    auto salt = base64_decode(parts[2]);
    auto derived = base64_decode(parts[3]);
    if (!salt || !derived || salt->empty() || derived->size() < 16 || derived->size() > 64) {
        return std::nullopt;
    }
    hash.salt = std::move(*salt);
    hash.hash = std::move(*derived);
    return hash;
}

std::string format_password_hash(const PasswordHash& hash) {
    return std::string{kScheme} + "$" + std::to_string(hash.iterations) + "$" + base64_encode(hash.salt) + "$" +
           base64_encode(hash.hash);
}

bool verify_password(std::string_view password, const PasswordHash& hash) {
    const std::string derived = pbkdf2_sha256(password, hash.salt, hash.iterations, hash.hash.size());
    return CRYPTO_memcmp(derived.data(), hash.hash.data(), derived.size()) == 0;
}

}  // namespace wg::web
