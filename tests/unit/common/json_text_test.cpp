// JSON strings written by hand must be valid JSON whatever a device sends.
#include <catch2/catch.hpp>

#include "common/json_text.h"

namespace {

std::string quoted(std::string_view text) {
    std::string out;
    wg::json::append_string(out, text);
    return out;
}

}  // namespace

TEST_CASE("JSON strings escape quotes, backslashes and control characters", "[unit][json]") {
    CHECK(quoted("plain") == "\"plain\"");
    CHECK(quoted("a\"b\\c") == "\"a\\\"b\\\\c\"");
    CHECK(quoted("line\nfeed\r\ttab") == "\"line\\nfeed\\r\\ttab\"");
    CHECK(quoted(std::string("nul\0bell\x07" "del\x7f", 13)) == "\"nul\\u0000bell\\u0007del\\u007f\"");
    CHECK(quoted("<img src=x onerror=alert(1)>&") == "\"\\u003cimg src=x onerror=alert(1)\\u003e\\u0026\"");
}

TEST_CASE("JSON strings keep valid UTF-8 and replace what is not", "[unit][json]") {
    CHECK(quoted("Zähler \xE2\x82\xAC \xF0\x9F\x98\x80") == "\"Zähler \xE2\x82\xAC \xF0\x9F\x98\x80\"");
    CHECK(quoted("line\xE2\x80\xA8sep\xE2\x80\xA9") == "\"line\\u2028sep\\u2029\"");
    CHECK(quoted("\xFF") == "\"\\ufffd\"");                    // not a lead byte
    CHECK(quoted("\xC3") == "\"\\ufffd\"");                    // truncated
    CHECK(quoted("\xC0\xAF") == "\"\\ufffd\\ufffd\"");         // overlong "/"
    CHECK(quoted("\xED\xA0\x80") == "\"\\ufffd\\ufffd\\ufffd\"");  // a surrogate
}

TEST_CASE("times are written as ISO 8601 UTC with milliseconds", "[unit][json]") {
    CHECK(wg::json::iso8601_utc(0) == "1970-01-01T00:00:00.000Z");
    CHECK(wg::json::iso8601_utc(1'767'268'800'123) == "2026-01-01T12:00:00.123Z");
    CHECK(wg::json::iso8601_utc(-1) == "1969-12-31T23:59:59.999Z");
}
