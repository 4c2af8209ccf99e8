#include "web/secure_random.h"

#include <openssl/rand.h>
#include <sys/random.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

#include "web/text_encoding.h"

namespace wg::web {

std::string random_bytes(std::size_t count) {
    std::string bytes(count, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(count)) != 1) {
        throw std::runtime_error("OpenSSL RAND_bytes failed");
    }
    return bytes;
}

std::string random_token(std::size_t count) {
    std::string bytes(count, '\0');
    std::size_t filled = 0;
    while (filled < count) {
        const ssize_t got = ::getrandom(bytes.data() + filled, count - filled, 0);
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw std::system_error(errno, std::generic_category(), "getrandom");
        }
        filled += static_cast<std::size_t>(got);
    }
    return base64url_encode(bytes);
}

}  // namespace wg::web
