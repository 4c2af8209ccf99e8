#include <catch2/catch.hpp>

#include <chrono>

#include "common/log.h"

namespace {

using wg::log::Level;

// 2026-11-25T19:50:00.123Z
std::chrono::system_clock::time_point example_time() {
    using namespace std::chrono;
    return sys_days{year{2026} / November / 25} + hours{19} + minutes{50} + seconds{0} +
           milliseconds{123};
}

// Restores the log level a test changed.
class LevelGuard {
public:
    LevelGuard() : saved_{wg::log::level()} {}
    LevelGuard(const LevelGuard&) = delete;
    LevelGuard& operator=(const LevelGuard&) = delete;
    ~LevelGuard() { wg::log::set_level(saved_); }

private:
    Level saved_;
};

}  // namespace

TEST_CASE("log_line_has_utc_time_padded_level_and_message", "[unit][log]") {
    CHECK(wg::log::format_line(Level::Info, "message", example_time()) ==
          "2026-11-25T19:50:00.123Z info    message\n");
    CHECK(wg::log::format_line(Level::Warning, "w", example_time()) ==
          "2026-11-25T19:50:00.123Z warning w\n");
    CHECK(wg::log::format_line(Level::Error, "e", example_time()) ==
          "2026-11-25T19:50:00.123Z error   e\n");
    CHECK(wg::log::format_line(Level::Debug, "d", example_time()) ==
          "2026-11-25T19:50:00.123Z debug   d\n");
}

TEST_CASE("log_line_pads_milliseconds", "[unit][log]") {
    using namespace std::chrono;
    const auto when = sys_days{year{2027} / January / 2} + hours{3} + minutes{4} + seconds{5} +
                      milliseconds{7};
    CHECK(wg::log::format_line(Level::Info, "x", when) == "2027-01-02T03:04:05.007Z info    x\n");
}

TEST_CASE("log_line_escapes_control_characters_to_stay_one_line", "[unit][log]") {
    CHECK(wg::log::format_line(Level::Info, "client=a\nb\r\x01", example_time()) ==
          "2026-11-25T19:50:00.123Z info    client=a\\nb\\r\\x01\n");
}

TEST_CASE("log_levels_parse_from_their_names", "[unit][log]") {
    CHECK(wg::log::parse_level("error") == Level::Error);
    CHECK(wg::log::parse_level("warning") == Level::Warning);
    CHECK(wg::log::parse_level("info") == Level::Info);
    CHECK(wg::log::parse_level("debug") == Level::Debug);
    CHECK_FALSE(wg::log::parse_level("verbose"));
    CHECK_FALSE(wg::log::parse_level("INFO"));
    CHECK_FALSE(wg::log::parse_level(""));
}

TEST_CASE("log_level_enables_itself_and_more_severe_levels", "[unit][log]") {
    const LevelGuard guard;
    wg::log::set_level(Level::Warning);
    CHECK(wg::log::level() == Level::Warning);
    CHECK(wg::log::enabled(Level::Error));
    CHECK(wg::log::enabled(Level::Warning));
    CHECK_FALSE(wg::log::enabled(Level::Info));
    CHECK_FALSE(wg::log::enabled(Level::Debug));

    wg::log::set_level(Level::Debug);
    CHECK(wg::log::enabled(Level::Debug));
    wg::log::debug("log_test: debug output is enabled");
}
