#include <catch2/catch.hpp>

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <string>

#include "common/json_text.h"
#include "web/json_writer.h"

using wg::web::JsonWriter;

namespace {
std::string quoted(std::string_view text) {
    std::string out;
    wg::json::append_string(out, text);
    return out;
}

// What a real JSON parser reads back from the string written for `text`.
std::string round_trip(std::string_view text) {
    JsonWriter json;
    json.begin_object().member("s", text).end_object();
    Poco::JSON::Parser parser;
    return parser.parse(json.text()).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("s");
}
}  // namespace

TEST_CASE("json_string_escapes_quotes_backslash_and_controls", "[unit][web]") {
    CHECK(quoted("plain") == "\"plain\"");
    CHECK(quoted("a\"b\\c") == R"("a\"b\\c")");
    CHECK(quoted("\n\r\t\b\f") == R"("\n\r\t\b\f")");
    CHECK(quoted(std::string_view{"\0\x01\x1f\x7f", 4}) == R"("\u0000\u0001\u001f\u007f")");
}

TEST_CASE("json_string_escapes_line_separators_and_html_characters", "[unit][web]") {
    CHECK(quoted("\xE2\x80\xA8|\xE2\x80\xA9") == R"("\u2028|\u2029")");
    CHECK(quoted("<img src=x onerror=alert(1)>") == R"("\u003cimg src=x onerror=alert(1)\u003e")");
    CHECK(quoted("a&b") == R"("a\u0026b")");
    CHECK(quoted("</script>") == R"("\u003c/script\u003e")");
}

TEST_CASE("json_string_keeps_utf8_and_replaces_invalid_bytes", "[unit][web]") {
    CHECK(quoted("gr\xC3\xBC\xC3\x9F \xF0\x9F\x98\x80") == "\"gr\xC3\xBC\xC3\x9F \xF0\x9F\x98\x80\"");
    CHECK(quoted("a\xFF" "b") == R"("a\ufffdb")");
    CHECK(quoted("\xC3") == R"("\ufffd")");
    CHECK(quoted("\xED\xA0\x80") == R"("\ufffd\ufffd\ufffd")");
}

TEST_CASE("json_strings_read_back_unchanged_by_a_json_parser", "[unit][web]") {
    for (const std::string& text : {std::string{"x\"y\\z"}, std::string{"line\nbreak\ttab"},
                                   std::string{"\xE2\x80\xA8 \xE2\x80\xA9"}, std::string{"<b>&amp;</b>"},
                                   std::string{"\x01\x02\x1f"}, std::string{"caf\xC3\xA9"}}) {
        CHECK(round_trip(text) == text);
    }
}

TEST_CASE("json_writer_places_commas_and_nests", "[unit][web]") {
    JsonWriter json;
    json.begin_object()
        .member("a", 1)
        .member("b", true)
        .key("c")
        .begin_array()
        .value("x")
        .null()
        .begin_object()
        .end_object()
        .end_array()
        .member("d", std::uint64_t{18446744073709551615u})
        .member("e", -5)
        .member("f", 0.25)
        .end_object();
    CHECK(json.text() == R"({"a":1,"b":true,"c":["x",null,{}],"d":18446744073709551615,"e":-5,"f":0.25})");
}
