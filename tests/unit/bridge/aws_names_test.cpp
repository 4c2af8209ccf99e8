#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "bridge/profiles/aws_names.h"

using namespace wg::bridge::aws;

TEST_CASE("aws_names_keep_allowed_characters_and_escape_every_other_byte", "[unit][bridge][aws]") {
    CHECK(escape_name("meter-1") == "meter-1");
    CHECK(escape_name("AA:BB:CC:01") == "AA:BB:CC:01");
    CHECK(escape_name("a_b") == "a_5Fb");
    CHECK(escape_name("meter.1") == "meter_2E1");
    CHECK(escape_name("a/b+#") == "a_2Fb_2B_23");
    CHECK(escape_name("x y") == "x_20y");
    CHECK(escape_name("\xC3\xBC") == "_C3_BC");  // ü
    CHECK(escape_name(std::string{"\0", 1}) == "_00");
    CHECK(escape_name("$x") == "_24x");
}

TEST_CASE("aws_names_use_only_the_characters_aws_allows", "[unit][bridge][aws]") {
    for (int byte = 0; byte < 256; ++byte) {
        const std::string id(1, static_cast<char>(byte));
        const std::string name = escape_name(id);
        INFO("byte " << byte);
        CHECK(is_valid_aws_name(name, kMaxShadowNameBytes));
    }
    CHECK_FALSE(is_valid_aws_name("", 64));
    CHECK_FALSE(is_valid_aws_name("a b", 64));
    CHECK_FALSE(is_valid_aws_name("a.b", 64));
    CHECK_FALSE(is_valid_aws_name("$shadow", 64));
    CHECK(is_valid_aws_name(std::string(64, 'a'), 64));
    CHECK_FALSE(is_valid_aws_name(std::string(65, 'a'), 64));
}

TEST_CASE("aws_name_escaping_is_injective_and_reads_back", "[unit][bridge][aws]") {
    // Every client id of one and two bytes: no two share a name, and each name reads back.
    std::set<std::string> names;
    std::size_t ids = 0;
    const auto check = [&](const std::string& id) {
        const std::string name = escape_name(id);
        ++ids;
        names.insert(name);
        const auto back = unescape_name(name);
        REQUIRE(back);
        REQUIRE(*back == id);
    };
    for (int first = 0; first < 256; ++first) {
        check(std::string(1, static_cast<char>(first)));
        for (int second = 0; second < 256; ++second)
            check(std::string{static_cast<char>(first), static_cast<char>(second)});
    }
    CHECK(names.size() == ids);
    // Ids that look like escapes of each other.
    for (const std::string id : {"_5F", "_", "__", "5F", "_5F5F", "a_5Fb", "a_b", "_2E", ".", "_C3_BC"}) {
        const auto back = unescape_name(escape_name(id));
        REQUIRE(back);
        CHECK(*back == id);
    }
    CHECK(escape_name("_2E") != escape_name("."));
}

TEST_CASE("aws_names_that_escape_name_never_makes_do_not_read_back", "[unit][bridge][aws]") {
    CHECK_FALSE(unescape_name("_41"));   // 'A' is never escaped
    CHECK_FALSE(unescape_name("_2e"));   // lower-case hex
    CHECK_FALSE(unescape_name("_2"));    // cut short
    CHECK_FALSE(unescape_name("a_"));
    CHECK_FALSE(unescape_name("_G0"));
    CHECK_FALSE(unescape_name("a b"));   // not an AWS name
    CHECK_FALSE(unescape_name("$aws"));
    CHECK(unescape_name("") == std::string{});
}

TEST_CASE("aws_shadow_names_fit_64_bytes_or_are_refused", "[unit][bridge][aws]") {
    CHECK(shadow_name_for("meter-1").value == "meter-1");
    CHECK(shadow_name_for(std::string(64, 'a')).value == std::string(64, 'a'));
    const AwsName long_plain = shadow_name_for(std::string(65, 'a'));
    CHECK_FALSE(long_plain);
    CHECK(long_plain.error == "the client id makes an AWS shadow name of 65 bytes once escaped (at most 64)");
    CHECK(shadow_name_for(std::string(61, 'a') + ".")) ;               // 61 + 3 = 64
    CHECK_FALSE(shadow_name_for(std::string(62, 'a') + "."));           // 62 + 3 = 65
    CHECK(shadow_name_for(std::string(21, '.')).value.size() == 63);    // 21 escapes
    CHECK_FALSE(shadow_name_for(std::string(22, '.')));                 // 66 bytes
    CHECK_FALSE(shadow_name_for(""));
}

TEST_CASE("aws_thing_names_are_prefix_and_escaped_id_within_128_bytes", "[unit][bridge][aws]") {
    CHECK(thing_name_for("hall7-", "meter.1").value == "hall7-meter_2E1");
    CHECK(thing_name_for("", "meter-1").value == "meter-1");
    CHECK(thing_name_for("gw4-", std::string(124, 'a')));
    const AwsName too_long = thing_name_for("gw4-", std::string(125, 'a'));
    CHECK_FALSE(too_long);
    CHECK(too_long.error == "the client id makes an AWS thing name of 129 bytes once escaped (at most 128)");
    CHECK(thing_name_for("", std::string(128, 'a')));
    CHECK_FALSE(thing_name_for("", std::string(43, '/')));  // 129 bytes
    const AwsName bad_prefix = thing_name_for("hall/7", "meter");
    CHECK_FALSE(bad_prefix);
    CHECK(bad_prefix.error == "the thing name prefix \"hall/7\" has a character AWS does not allow");
    CHECK_FALSE(thing_name_for("p-", ""));
}
