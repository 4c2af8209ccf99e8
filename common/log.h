// The one logging facility of WillGate.
//
// Every message becomes one line on stderr:
//
//   2026-11-25T19:50:00.123Z info    message
//
// (UTC time with milliseconds, the level name padded to 7 characters, the message). Control
// characters in the message (a newline in a client id, say) are escaped, so one message is
// always one line.
//
// Threads: every function may be called from any thread. A line is formatted outside the lock
// and written with a single write(2) call under a mutex, so lines never interleave.
// Errors: write() never throws; if stderr is closed or full the line is lost.
// Cost: a disabled level costs one relaxed atomic load. Callers that build an expensive
// message check enabled() first.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace wg::log {

// Ordered from most to least severe; a level enables itself and every level above it.
enum class Level { Error, Warning, Info, Debug };

void set_level(Level level) noexcept;
Level level() noexcept;
bool enabled(Level level) noexcept;

// Writes one line if `level` is enabled.
void write(Level level, std::string_view message) noexcept;

inline void error(std::string_view message) noexcept { write(Level::Error, message); }
inline void warning(std::string_view message) noexcept { write(Level::Warning, message); }
inline void info(std::string_view message) noexcept { write(Level::Info, message); }
inline void debug(std::string_view message) noexcept { write(Level::Debug, message); }

// "error", "warning", "info" or "debug" (the names the configuration uses).
std::string_view level_name(Level level) noexcept;

// The inverse of level_name(); nullopt for anything else (matching is exact).
std::optional<Level> parse_level(std::string_view name) noexcept;

// The line write() emits for `message` at time `when`, including the trailing newline.
std::string format_line(Level level, std::string_view message,
                        std::chrono::system_clock::time_point when);

}  // namespace wg::log
