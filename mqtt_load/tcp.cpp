#include "mqtt_load/tcp.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "mqtt_load/options.h"

namespace wg::mqtt_load {

sockaddr_in parse_address(std::string_view host, std::uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    const std::string text{host};
    if (inet_pton(AF_INET, text.c_str(), &address.sin_addr) != 1) {
        throw UsageError{"--host: \"" + text + "\" is not an IPv4 address"};
    }
    return address;
}

sockaddr_in resolve_address(std::string_view host, std::uint16_t port) {
    const std::string text{host};
    addrinfo hints{};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (const int error = getaddrinfo(text.c_str(), nullptr, &hints, &found); error != 0) {
        throw UsageError{"--host: cannot resolve \"" + text + "\" to an IPv4 address: " +
                         gai_strerror(error)};
    }
    sockaddr_in address{};
    std::memcpy(&address, found->ai_addr, sizeof address);
    freeaddrinfo(found);
    address.sin_port = htons(port);
    return address;
}

ConnectStart start_connect(const sockaddr_in& address, bool no_delay) {
    ConnectStart start;
    start.fd.reset(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!start.fd.valid()) {
        start.error = errno;
        return start;
    }
    if (no_delay) {
        const int on = 1;
        setsockopt(start.fd.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    }
    if (connect(start.fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 &&
        errno != EINPROGRESS) {
        start.error = errno;
        start.fd.reset();
    }
    return start;
}

int socket_error(int fd) {
    int error = 0;
    socklen_t size = sizeof error;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) != 0) return errno;
    return error;
}

void set_linger_reset(int fd) {
    const linger option{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, sizeof option);
}

std::uint64_t raise_open_files_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
        getrlimit(RLIMIT_NOFILE, &limit);
    }
    return limit.rlim_cur;
}

}  // namespace wg::mqtt_load
