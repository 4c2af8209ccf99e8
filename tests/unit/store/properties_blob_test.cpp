#include "local_broker/store/properties_blob.h"

#include <catch2/catch.hpp>
#include <random>
#include <string>

namespace {

using wg::codec::Properties;
using wg::store::decode_properties_blob;
using wg::store::encode_properties_blob;

Properties every_carried_property() {
    Properties properties;
    properties.payload_format_indicator = 1;
    properties.message_expiry_interval = 0xfedcba98;
    properties.content_type = "application/json";
    properties.response_topic = "reply/here";
    properties.correlation_data = std::string("\x00\xff\x00\x80 bytes", 10);
    properties.will_delay_interval = 30;
    properties.user_properties = {{"z", "last name first"}, {"a", "1"}, {"a", "2"}, {"", ""}, {"k", "ü"}};
    return properties;
}

Properties round_trip(const Properties& properties) {
    auto decoded = decode_properties_blob(encode_properties_blob(properties));
    INFO(decoded.error);
    REQUIRE(decoded.properties);
    CHECK(decoded.error.empty());
    return *decoded.properties;
}

}  // namespace

TEST_CASE("no_properties_encode_to_an_empty_blob_and_back", "[unit][store]") {
    CHECK(encode_properties_blob(Properties{}).empty());
    auto decoded = decode_properties_blob("");
    REQUIRE(decoded.properties);
    CHECK(*decoded.properties == Properties{});
}

TEST_CASE("every_will_and_message_property_round_trips", "[unit][store]") {
    const Properties properties = every_carried_property();
    CHECK(round_trip(properties) == properties);
}

TEST_CASE("user_properties_keep_their_order_and_duplicates", "[unit][store]") {
    const Properties back = round_trip(every_carried_property());
    REQUIRE(back.user_properties.size() == 5);
    CHECK(back.user_properties[0].name == "z");
    CHECK(back.user_properties[1] == wg::codec::UserProperty{"a", "1"});
    CHECK(back.user_properties[2] == wg::codec::UserProperty{"a", "2"});
    CHECK(back.user_properties[3] == wg::codec::UserProperty{"", ""});
}

TEST_CASE("binary_correlation_data_and_empty_strings_round_trip", "[unit][store]") {
    Properties properties;
    std::string every_byte;
    for (int i = 0; i < 256; ++i) every_byte.push_back(static_cast<char>(i));
    properties.correlation_data = every_byte;
    properties.content_type = "";  // set but empty is not the same as unset
    const Properties back = round_trip(properties);
    CHECK(back.correlation_data == every_byte);
    REQUIRE(back.content_type);
    CHECK(back.content_type->empty());
    CHECK_FALSE(back.response_topic);
}

TEST_CASE("properties_a_message_does_not_carry_are_not_stored", "[unit][store]") {
    Properties properties;
    properties.session_expiry_interval = 60;
    properties.subscription_identifiers = {4};
    properties.topic_alias = 3;
    CHECK(encode_properties_blob(properties).empty());
    properties.message_expiry_interval = 5;
    Properties expected;
    expected.message_expiry_interval = 5;
    CHECK(round_trip(properties) == expected);
}

TEST_CASE("blob_format_is_versioned_and_length_prefixed", "[unit][store]") {
    Properties properties;
    properties.content_type = "ab";
    properties.will_delay_interval = 258;
    CHECK(encode_properties_blob(properties) ==
          std::string("\x01"                      // format version
                      "\x03\x00\x00\x00\x02"
                      "ab"                        // Content Type
                      "\x18\x00\x00\x01\x02",     // Will Delay Interval
                      13));
}

TEST_CASE("malformed_blobs_decode_to_an_error", "[unit][store]") {
    const auto error_of = [](const std::string& blob) {
        auto decoded = decode_properties_blob(blob);
        CHECK_FALSE(decoded.properties);
        return decoded.error;
    };
    CHECK(error_of(std::string("\x02\x01\x01", 3)) == "unknown properties format version 2");
    CHECK(error_of(std::string("\x01\x7f", 2)) == "unknown property 0x7f");
    CHECK(error_of(std::string("\x01\x01\x01\x01\x00", 5)) == "property 0x01 appears twice");
    CHECK(error_of(std::string("\x01\x02\x00\x00", 4)) == "property 0x02 is truncated");
    CHECK(error_of(std::string("\x01\x09\xff\xff\xff\xff" "abc", 9)) == "property 0x09 is truncated");
    CHECK(error_of(std::string("\x01\x26\x00\x00\x00\x01" "n", 7)) == "property 0x26 is truncated");
}

TEST_CASE("every_truncation_of_a_blob_decodes_without_undefined_behaviour", "[unit][store]") {
    const std::string blob = encode_properties_blob(every_carried_property());
    for (std::size_t size = 1; size < blob.size(); ++size) {
        auto decoded = decode_properties_blob(std::string_view{blob}.substr(0, size));
        // A cut between two entries decodes to fewer properties; any other cut is an error.
        CHECK(decoded.properties.has_value() == decoded.error.empty());
        if (decoded.properties) CHECK(*decoded.properties != every_carried_property());
    }
}

TEST_CASE("random_bytes_never_crash_the_decoder", "[unit][store]") {
    std::mt19937 random{2024};
    for (int round = 0; round < 20000; ++round) {
        std::string blob(random() % 40, '\0');
        for (char& c : blob) c = static_cast<char>(random() % 256);
        if (!blob.empty() && round % 2 == 0) blob[0] = '\x01';  // mostly past the version check
        auto decoded = decode_properties_blob(blob);
        CHECK(decoded.properties.has_value() == decoded.error.empty());
    }
}
