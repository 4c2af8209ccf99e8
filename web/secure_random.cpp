#include "web/secure_random.h"

#include <openssl/rand.h>

#include <stdexcept>

#include "web/text_encoding.h"

namespace wg::web {

std::string random_bytes(std::size_t count) {
    std::string bytes(count, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(count)) != 1) {
        throw std::runtime_error("OpenSSL RAND_bytes failed");
    }
    return bytes;
}

std::string random_token(std::size_t count) { return base64url_encode(random_bytes(count)); }

}  // namespace wg::web
