#include "config/checks.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <fstream>
#include <system_error>
#include <utility>

#include "common/log.h"

namespace wg::config {
namespace {

struct IpAddress {
    bool ipv6 = false;
    std::array<unsigned char, 16> bytes{};

    bool is_wildcard() const {
        return std::all_of(bytes.begin(), bytes.end(), [](unsigned char b) { return b == 0; });
    }
    bool operator==(const IpAddress&) const = default;
};

std::optional<IpAddress> parse_ip(std::string_view text) {
    const std::string terminated{text};
    if (terminated.find('\0') != std::string::npos) {
        return std::nullopt;
    }
    IpAddress address;
    if (::inet_pton(AF_INET, terminated.c_str(), address.bytes.data()) == 1) {
        return address;
    }
    address.ipv6 = true;
    if (::inet_pton(AF_INET6, terminated.c_str(), address.bytes.data()) == 1) {
        return address;
    }
    return std::nullopt;
}

// Whether binding `a` and `b` on the same port collides.
bool overlaps(const IpAddress& a, const IpAddress& b) {
    if (a == b) {
        return true;
    }
    const auto covers = [](const IpAddress& wildcard, const IpAddress& other) {
        return wildcard.is_wildcard() && (wildcard.ipv6 || !other.ipv6);
    };
    return covers(a, b) || covers(b, a);
}

std::string endpoint(const Listener& listener) {
    const bool ipv6 = listener.bind.find(':') != std::string::npos;
    return (ipv6 ? "[" + listener.bind + "]" : listener.bind) + ":" + std::to_string(listener.port);
}

}  // namespace

std::optional<std::string> check_range(std::int64_t value, IntegerRange range) {
    if (value >= range.min && value <= range.max) {
        return std::nullopt;
    }
    return "must be between " + std::to_string(range.min) + " and " + std::to_string(range.max) +
           ", got " + std::to_string(value);
}

std::optional<std::string> check_bind_address(std::string_view address) {
    if (parse_ip(address)) {
        return std::nullopt;
    }
    return "\"" + std::string{address} +
           "\" is not an IPv4 or IPv6 address (use \"::\" for all addresses, \"0.0.0.0\" for all "
           "IPv4 addresses)";
}

std::optional<std::string> check_log_level(std::string_view level) {
    if (log::parse_level(level)) {
        return std::nullopt;
    }
    return "unknown log level \"" + std::string{level} +
           "\" (expected error, warning, info or debug)";
}

std::optional<std::string> check_durability(std::string_view durability) {
    if (durability == "process-crash" || durability == "power-loss" || durability == "none") return std::nullopt;
    return "unknown durability \"" + std::string{durability} + "\" (expected process-crash, power-loss or none)";
}

std::optional<std::string> check_data_dir(std::string_view data_dir) {
    if (data_dir.empty()) {
        return "must not be empty";
    }
    if (data_dir.find('\0') != std::string_view::npos) {
        return "must not contain a NUL character";
    }
    return std::nullopt;
}

std::optional<std::string> check_database(std::string_view database) {
    if (database.empty() || database.back() == '/') return "must name a file";
    return check_data_dir(database);
}

std::optional<std::string> check_web_bind(std::string_view address) {
    if (address == "localhost" || parse_ip(address)) {
        return std::nullopt;
    }
    return "\"" + std::string{address} +
           "\" is not an IPv4 or IPv6 address or \"localhost\" (\"127.0.0.1\" = this machine only, \"::\" = all "
           "addresses)";
}

bool is_loopback(std::string_view address) {
    if (address == "localhost") {
        return true;
    }
    const auto ip = parse_ip(address);
    if (!ip) {
        return false;
    }
    if (!ip->ipv6) {
        return ip->bytes[0] == 127;
    }
    static constexpr std::array<unsigned char, 16> kIpv6Loopback{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    return ip->bytes == kIpv6Loopback;
}

std::optional<std::string> check_user_name(std::string_view name) {
    if (name.empty() || name.size() > 64) {
        return "must be 1 to 64 characters long";
    }
    for (const char c : name) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == ':') {
            return "must not contain control characters or ':'";
        }
    }
    return std::nullopt;
}

std::optional<std::string> check_password_hash(std::string_view hash) {
    const std::string problem =
        "is not a hash made by `willgate passwd` (expected pbkdf2-sha256$ITERATIONS$SALT$HASH)";
    std::vector<std::string_view> parts;
    for (std::size_t start = 0;;) {
        const std::size_t end = hash.find('$', start);
        parts.push_back(hash.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos) {
            break;
        }
        start = end + 1;
    }
    if (parts.size() != 4 || parts[0] != "pbkdf2-sha256") {
        return problem;
    }
    std::uint64_t iterations = 0;
    const auto [end, error] = std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), iterations);
    if (parts[1].empty() || error != std::errc{} || end != parts[1].data() + parts[1].size()) {
        return problem;
    }
    if (iterations < 100000 || iterations > 100000000) {
        return "has " + std::to_string(iterations) +
               " iterations; between 100000 and 100000000 are accepted (make a new one with `willgate passwd`)";
    }
    const auto base64 = [](std::string_view text) {
        const std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
        return !text.empty() && text.find_first_not_of(alphabet) == std::string_view::npos;
    };
    if (!base64(parts[2]) || !base64(parts[3])) {
        return problem;
    }
    return std::nullopt;
}

std::optional<std::string> check_readable_file(std::string_view path) {
    if (path.empty()) {
        return std::nullopt;  // not set
    }
    const std::string name{path};
    std::ifstream file{name, std::ios::binary};
    if (!file) {
        const int error = errno;
        return "cannot read \"" + name + "\": " +
               (error != 0 ? std::generic_category().message(error) : std::string{"unknown error"});
    }
    char byte = 0;
    if (!file.get(byte)) {
        return "cannot read \"" + name + "\": the file is empty or is a directory";
    }
    return std::nullopt;
}

std::optional<KeyProblem> find_web_problem(const Web& web, const std::vector<Listener>& listeners) {
    if (!web.enabled) {
        return std::nullopt;
    }
    if (web.tls_cert.empty() != web.tls_key.empty()) {
        return KeyProblem{web.tls_cert.empty() ? "web.tls_key" : "web.tls_cert",
                          "web.tls_cert and web.tls_key go together: set both for HTTPS, or neither"};
    }
    for (std::size_t i = 1; i < web.users.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (web.users[i].name == web.users[j].name) {
                return KeyProblem{"web.user[" + std::to_string(i) + "].name",
                                  "user \"" + web.users[i].name + "\" is already web.user[" + std::to_string(j) + "]"};
            }
        }
    }
    if (web.users.empty() && !is_loopback(web.bind)) {
        return KeyProblem{"web.bind",
                          "\"" + web.bind +
                              "\" is not a loopback address, so the dashboard needs at least one [[web.user]] "
                              "(make a password hash with `willgate passwd`), or bind it to \"127.0.0.1\""};
    }
    if (web.port != 0) {
        const std::string bind = web.bind == "localhost" ? "127.0.0.1" : web.bind;
        const auto web_address = parse_ip(bind);
        for (const Listener& listener : listeners) {
            const auto address = parse_ip(listener.bind);
            if (listener.port == web.port && web_address && address && overlaps(*web_address, *address)) {
                return KeyProblem{"web.port", "port " + std::to_string(web.port) + " is already an MQTT listener (" +
                                                  endpoint(listener) + ")"};
            }
        }
    }
    return std::nullopt;
}

std::optional<ListenerConflict> find_listener_conflict(const std::vector<Listener>& listeners) {
    for (std::size_t second = 1; second < listeners.size(); ++second) {
        const Listener& later = listeners[second];
        const auto later_address = parse_ip(later.bind);
        if (later.port == 0 || !later_address) {
            continue;
        }
        for (std::size_t first = 0; first < second; ++first) {
            const Listener& earlier = listeners[first];
            const auto earlier_address = parse_ip(earlier.bind);
            if (earlier.port != later.port || !earlier_address ||
                !overlaps(*earlier_address, *later_address)) {
                continue;
            }
            std::string message = *earlier_address == *later_address
                                      ? endpoint(later) + " is already a listener"
                                      : endpoint(later) + " overlaps listener " + endpoint(earlier);
            return ListenerConflict{first, second, std::move(message)};
        }
    }
    return std::nullopt;
}

}  // namespace wg::config
