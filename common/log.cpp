#include "common/log.h"

#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <ctime>
#include <mutex>

namespace wg::log {
namespace {

constexpr std::size_t kLevelWidth = 7;  // strlen("warning")

std::atomic<Level> current_level{Level::Info};

std::mutex& output_mutex() {
    static std::mutex mutex;
    return mutex;
}

// Appends `value` as exactly `digits` decimal digits (zero padded; higher digits are cut).
void append_digits(std::string& out, long long value, int digits) {
    std::array<char, 20> buffer{};
    for (int i = digits - 1; i >= 0; --i) {
        buffer[static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    out.append(buffer.data(), static_cast<std::size_t>(digits));
}

void append_timestamp(std::string& out, std::chrono::system_clock::time_point when) {
    using namespace std::chrono;
    const auto millis_since_epoch = floor<milliseconds>(when).time_since_epoch().count();
    const auto seconds_since_epoch = floor<seconds>(when);
    const auto millis = millis_since_epoch - duration_cast<milliseconds>(
                                                 seconds_since_epoch.time_since_epoch())
                                                 .count();
    const std::time_t time = system_clock::to_time_t(seconds_since_epoch);
    std::tm utc{};
    gmtime_r(&time, &utc);
    append_digits(out, utc.tm_year + 1900LL, 4);
    out += '-';
    append_digits(out, utc.tm_mon + 1LL, 2);
    out += '-';
    append_digits(out, utc.tm_mday, 2);
    out += 'T';
    append_digits(out, utc.tm_hour, 2);
    out += ':';
    append_digits(out, utc.tm_min, 2);
    out += ':';
    append_digits(out, utc.tm_sec, 2);
    out += '.';
    append_digits(out, millis, 3);
    out += 'Z';
}

// Copies `message`, escaping control characters so that it stays on one line.
void append_escaped(std::string& out, std::string_view message) {
    static constexpr std::string_view kHex = "0123456789abcdef";
    for (const char c : message) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte != 0x7f) {
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else {
            out += "\\x";
            out += kHex[byte >> 4U];
            out += kHex[byte & 0x0fU];
        }
    }
}

void write_all(const std::string& line) {
    std::size_t offset = 0;
    while (offset < line.size()) {
        const ssize_t written = ::write(STDERR_FILENO, line.data() + offset, line.size() - offset);
        if (written < 0) {
            if (errno == EINTR) {
                continue;
            }
            return;
        }
        offset += static_cast<std::size_t>(written);
    }
}

}  // namespace

void set_level(Level level) noexcept { current_level.store(level, std::memory_order_relaxed); }

Level level() noexcept { return current_level.load(std::memory_order_relaxed); }

bool enabled(Level level) noexcept {
    return static_cast<int>(level) <= static_cast<int>(current_level.load(std::memory_order_relaxed));
}

void write(Level level, std::string_view message) noexcept {
    if (!enabled(level)) {
        return;
    }
    try {
        const std::string line = format_line(level, message, std::chrono::system_clock::now());
        const std::lock_guard lock{output_mutex()};
        write_all(line);
    } catch (...) {
        // Out of memory while formatting: the line is lost, the caller carries on.
    }
}

std::string_view level_name(Level level) noexcept {
    switch (level) {
        case Level::Error:
            return "error";
        case Level::Warning:
            return "warning";
        case Level::Info:
            return "info";
        case Level::Debug:
            return "debug";
    }
    return "unknown";
}

std::optional<Level> parse_level(std::string_view name) noexcept {
    for (const Level candidate : {Level::Error, Level::Warning, Level::Info, Level::Debug}) {
        if (name == level_name(candidate)) {
            return candidate;
        }
    }
    return std::nullopt;
}

std::string format_line(Level level, std::string_view message,
                        std::chrono::system_clock::time_point when) {
    std::string line;
    line.reserve(26 + kLevelWidth + message.size() + 1);
    append_timestamp(line, when);
    line += ' ';
    const std::string_view name = level_name(level);
    line += name;
    line.append(kLevelWidth + 1 - name.size(), ' ');
    append_escaped(line, message);
    line += '\n';
    return line;
}

}  // namespace wg::log
