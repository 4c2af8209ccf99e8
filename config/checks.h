// The rules for each configuration value, in one place. The loader applies them with the line
// of the offending value, validate() applies them to a finished Config, and the command line
// applies them to its overrides. Each check returns nullopt when the value is fine, otherwise
// the message that ConfigError (or the usage error) carries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace wg::config {

struct IntegerRange {
    std::int64_t min;
    std::int64_t max;
};

inline constexpr IntegerRange kPortRange{0, 65535};
inline constexpr IntegerRange kMaxPacketSizeRange{1, 268435460};
inline constexpr IntegerRange kMaxConnectionsRange{0, 4294967295};
inline constexpr IntegerRange kMaxInflightMessagesRange{1, 65535};
inline constexpr IntegerRange kMaxQueuedMessagesRange{1, 4294967295};
inline constexpr IntegerRange kMaxOutputBufferRange{4096, 4294967295};
inline constexpr IntegerRange kConnectTimeoutRange{1, 3600};
inline constexpr IntegerRange kHistoryMaxDaysRange{1, 3650};
inline constexpr IntegerRange kSysIntervalRange{0, 86400};
inline constexpr IntegerRange kHistoryMaxRowsRange{1, 100000000};
inline constexpr IntegerRange kMaxTopicAliasRange{0, 65535};
inline constexpr IntegerRange kMaxKeepAliveRange{0, 65535};
inline constexpr IntegerRange kMaxStreamsRange{1, 256};

std::optional<std::string> check_range(std::int64_t value, IntegerRange range);

// `address` must be an IPv4 or IPv6 literal ("::", "0.0.0.0", "127.0.0.1", "fe80::1"); host
// names and brackets are refused.
std::optional<std::string> check_bind_address(std::string_view address);

// One of the names wg::log::parse_level() accepts.
std::optional<std::string> check_log_level(std::string_view level);

std::optional<std::string> check_data_dir(std::string_view data_dir);
std::optional<std::string> check_database(std::string_view database);
std::optional<std::string> check_durability(std::string_view durability);

// web.bind: an IPv4 or IPv6 literal, or "localhost".
std::optional<std::string> check_web_bind(std::string_view address);
// Whether `address` (a valid web.bind) is this machine only: 127.0.0.0/8, ::1 or "localhost".
bool is_loopback(std::string_view address);
// A dashboard user name: 1..64 bytes, no control characters, no ':'.
std::optional<std::string> check_user_name(std::string_view name);
// The form `willgate passwd` prints: pbkdf2-sha256$ITERATIONS$SALT$HASH, ITERATIONS >= 100000,
// SALT and HASH non-empty Base64.
std::optional<std::string> check_password_hash(std::string_view hash);
// web.tls_cert / web.tls_key: empty (not set) or a file that can be opened and read.
std::optional<std::string> check_readable_file(std::string_view path);

// The rules across the keys of [web]: tls_cert and tls_key together, no two users with one
// name, users required on a non-loopback bind, the port not taken by an MQTT listener.
struct KeyProblem {
    std::string key;  // "web.bind", "web.user[1].name"
    std::string message;
};
std::optional<KeyProblem> find_web_problem(const Web& web, const std::vector<Listener>& listeners);

// Two listeners conflict when they would bind the same port (other than 0) on the same
// address, or when one of them binds the wildcard address that covers the other: "::" covers
// every address (dual stack), "0.0.0.0" every IPv4 address.
struct ListenerConflict {
    std::size_t first;   // index of the earlier listener
    std::size_t second;  // index of the later listener, the one to report
    std::string message;
};
std::optional<ListenerConflict> find_listener_conflict(const std::vector<Listener>& listeners);

}  // namespace wg::config
