#include "config/checks.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
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
