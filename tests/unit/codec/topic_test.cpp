// UTF-8 validation (spec 1.5.3), topic names, topic filters and matching
// (spec 4.7).

#include "local_broker/codec/topic.h"

#include <catch2/catch.hpp>
#include <string>

#include "test_helpers.h"

namespace wg::codec {
namespace {

struct Utf8Case {
    const char* name;
    std::string text;
    bool valid;
};

TEST_CASE("is_valid_utf8 follows MQTT's UTF-8 rules", "[unit]") {
    const Utf8Case cases[] = {
        {"empty", "", true},
        {"ASCII", "hello/world", true},
        {"two-byte U+00E9", "\xC3\xA9", true},
        {"three-byte U+20AC", "\xE2\x82\xAC", true},
        {"three-byte U+FEFF (BOM) is allowed", "\xEF\xBB\xBF", true},
        {"four-byte U+1F600", "\xF0\x9F\x98\x80", true},
        {"largest code point U+10FFFF", "\xF4\x8F\xBF\xBF", true},
        {"last before surrogates U+D7FF", "\xED\x9F\xBF", true},
        {"first after surrogates U+E000", "\xEE\x80\x80", true},
        {"U+0001 and U+007F control characters are allowed", "\x01\x7F", true},
        {"mixed", "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z", true},
        {"U+0000", std::string("a\0b", 3), false},
        {"only U+0000", std::string(1, '\0'), false},
        {"overlong U+0000 (C0 80)", "\xC0\x80", false},
        {"overlong '/' (C0 AF)", "\xC0\xAF", false},
        {"overlong two-byte C1 BF", "\xC1\xBF", false},
        {"overlong three-byte E0 80 AF", "\xE0\x80\xAF", false},
        {"overlong three-byte E0 9F BF", "\xE0\x9F\xBF", false},
        {"overlong four-byte F0 80 80 AF", "\xF0\x80\x80\xAF", false},
        {"overlong four-byte F0 8F BF BF", "\xF0\x8F\xBF\xBF", false},
        {"surrogate U+D800", "\xED\xA0\x80", false},
        {"surrogate U+DFFF", "\xED\xBF\xBF", false},
        {"surrogate pair as CESU-8", "\xED\xA0\xBD\xED\xB8\x80", false},
        {"above U+10FFFF (F4 90 80 80)", "\xF4\x90\x80\x80", false},
        {"F5 lead byte", "\xF5\x80\x80\x80", false},
        {"five-byte sequence", "\xF8\x88\x80\x80\x80", false},
        {"six-byte sequence", "\xFC\x84\x80\x80\x80\x80", false},
        {"FE byte", "\xFE", false},
        {"FF byte", "\xFF", false},
        {"lone continuation byte", "\x80", false},
        {"continuation after ASCII", "a\xBF", false},
        {"truncated two-byte", "\xC3", false},
        {"truncated three-byte", "\xE2\x82", false},
        {"truncated four-byte", "\xF0\x9F\x98", false},
        {"truncated sequence then ASCII", "\xE2\x82z", false},
        {"bad second continuation", "\xE2\x82\x41", false},
        {"bad third continuation", "\xF0\x9F\x98\xC0", false},
    };
    for (const Utf8Case& c : cases) {
        INFO(c.name);
        CHECK(is_valid_utf8(c.text) == c.valid);
    }
}

TEST_CASE("is_valid_topic_name refuses wildcards, empty and oversized names", "[unit]") {
    CHECK(is_valid_topic_name("a"));
    CHECK(is_valid_topic_name("/"));
    CHECK(is_valid_topic_name("a//b"));
    CHECK(is_valid_topic_name("$SYS/broker/uptime"));
    CHECK(is_valid_topic_name("sport/tennis/player1"));
    CHECK(is_valid_topic_name("caf\xC3\xA9"));
    CHECK(is_valid_topic_name(std::string(65'535, 'a')));
    CHECK_FALSE(is_valid_topic_name(std::string(65'536, 'a')));
    CHECK_FALSE(is_valid_topic_name(""));
    CHECK_FALSE(is_valid_topic_name("+"));
    CHECK_FALSE(is_valid_topic_name("#"));
    CHECK_FALSE(is_valid_topic_name("a/+/b"));
    CHECK_FALSE(is_valid_topic_name("a/b#"));
    CHECK_FALSE(is_valid_topic_name(std::string("a\0b", 3)));
    CHECK_FALSE(is_valid_topic_name("\xC0\xAF"));
}

TEST_CASE("is_valid_topic_filter places '+' and '#' only as whole levels", "[unit]") {
    const std::pair<std::string, bool> cases[] = {
        {"#", true},
        {"+", true},
        {"a/+/b", true},
        {"+/+", true},
        {"/", true},
        {"a//b", true},
        {"sport/tennis/#", true},
        {"sport/#", true},
        {"+/tennis/#", true},
        {"/+", true},
        {"+/", true},
        {"$SYS/#", true},
        {"a/b", true},
        {"caf\xC3\xA9/+", true},
        {"", false},
        {"a#", false},
        {"a/#/b", false},
        {"#/", false},
        {"##", false},
        {"sport/tennis#", false},
        {"a+", false},
        {"+a", false},
        {"a/b+/c", false},
        {"++", false},
        {"a/#b", false},
        {std::string("a/\0", 3), false},
        {"\xFF/#", false},
    };
    for (const auto& [filter, valid] : cases) {
        INFO(filter);
        CHECK(is_valid_topic_filter(filter) == valid);
    }
    CHECK(is_valid_topic_filter(std::string(65'535, 'a')));
    CHECK_FALSE(is_valid_topic_filter(std::string(65'536, 'a')));
}

struct MatchCase {
    const char* filter;
    const char* topic;
    bool matches;
};

TEST_CASE("topic_matches follows the spec's examples in 4.7.1 and 4.7.2", "[unit]") {
    const MatchCase cases[] = {
        // 4.7.1.2 multi-level wildcard.
        {"sport/tennis/player1/#", "sport/tennis/player1", true},
        {"sport/tennis/player1/#", "sport/tennis/player1/ranking", true},
        {"sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true},
        {"sport/tennis/player1/#", "sport/tennis/player2", false},
        {"sport/#", "sport", true},
        {"sport/#", "sport/", true},
        {"#", "sport/tennis", true},
        {"#", "/", true},
        {"#", "a", true},
        // 4.7.1.3 single-level wildcard.
        {"sport/tennis/+", "sport/tennis/player1", true},
        {"sport/tennis/+", "sport/tennis/player2", true},
        {"sport/tennis/+", "sport/tennis/player1/ranking", false},
        {"sport/+", "sport", false},
        {"sport/+", "sport/", true},
        {"+/+", "/finance", true},
        {"/+", "/finance", true},
        {"+", "/finance", false},
        {"+", "finance", true},
        {"+/tennis/#", "sport/tennis/player1", true},
        {"+/tennis/#", "sport/tennis", true},
        {"+/tennis/#", "sport/golf", false},
        {"a/+/c", "a//c", true},
        {"a/+/c", "a/b/c/d", false},
        // Plain levels.
        {"a/b", "a/b", true},
        {"a/b", "a/b/", false},
        {"a/b/", "a/b", false},
        {"a/b", "a/bc", false},
        {"a/bc", "a/b", false},
        {"/", "/", true},
        {"a//b", "a//b", true},
        {"a//b", "a/b", false},
        {"ACCOUNTS", "Accounts", false},
        // 4.7.2 topics beginning with '$'.
        {"#", "$SYS", false},
        {"#", "$SYS/broker/uptime", false},
        {"+/monitor/Clients", "$SYS/monitor/Clients", false},
        {"+", "$SYS", false},
        {"$SYS/#", "$SYS/monitor/Clients", true},
        {"$SYS/#", "$SYS/x", true},
        {"$SYS/#", "$SYS", true},
        {"$SYS/monitor/+", "$SYS/monitor/Clients", true},
        {"$SYS/+", "$SYS/uptime", true},
        {"+/x", "$a/x", false},
        {"#", "a/$SYS", true},
        {"+/$SYS", "a/$SYS", true},
    };
    for (const MatchCase& c : cases) {
        INFO(std::string(c.filter) + " vs " + c.topic);
        REQUIRE(is_valid_topic_filter(c.filter));
        REQUIRE(is_valid_topic_name(c.topic));
        CHECK(topic_matches(c.filter, c.topic) == c.matches);
    }
}

}  // namespace
}  // namespace wg::codec
