#pragma once
// Small socket helpers: IPv4 address parsing, non-blocking connect, socket options and the
// open-files limit. Failures are returned as errno values, never thrown, except for a bad
// address (UsageError).

#include <netinet/in.h>

#include <cstdint>
#include <string_view>

#include "mqtt_load/unique_fd.h"

namespace wg::mqtt_load {

// host must be an IPv4 literal; throws UsageError naming --host otherwise.
sockaddr_in parse_address(std::string_view host, std::uint16_t port);
// host is an IPv4 literal or a name with an IPv4 address (getaddrinfo; the first one is
// taken); throws UsageError naming --host if it has none.
sockaddr_in resolve_address(std::string_view host, std::uint16_t port);

struct ConnectStart {
    UniqueFd fd;
    int error = 0;  // errno of socket()/connect(); 0 when connected or in progress
};

// Creates a non-blocking TCP socket (with TCP_NODELAY if no_delay) and starts connecting it.
ConnectStart start_connect(const sockaddr_in& address, bool no_delay);

int socket_error(int fd);                // SO_ERROR, which also clears it
void set_linger_reset(int fd);           // SO_LINGER 0: close() sends RST
std::uint64_t raise_open_files_limit();  // soft RLIMIT_NOFILE := hard; returns the new value

}  // namespace wg::mqtt_load
