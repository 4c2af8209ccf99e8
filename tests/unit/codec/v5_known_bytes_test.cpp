// MQTT 5.0 hand-written wire bytes, compared against encode() and
// decode_packet(), so a bug made symmetrically in both cannot pass. The encoder
// writes properties in identifier order.

#include <catch2/catch.hpp>

#include "test_helpers.h"

namespace wg::codec {
namespace {

using test::Bytes;
using test::bytes;

constexpr auto kV5 = ProtocolVersion::Mqtt5;

struct WireCase {
    const char* name;
    Packet packet;
    Bytes wire;
};

Connect connect_with_will_properties() {
    Connect connect;
    connect.version = kV5;
    connect.keep_alive = 60;
    connect.client_id = "c1";
    connect.properties.session_expiry_interval = 120;
    connect.properties.receive_maximum = 20;
    connect.properties.user_properties = {{"k", "v"}};
    connect.will = Will{"w", "hi", QoS::AtLeastOnce, false, {}};
    connect.will->properties.will_delay_interval = 5;
    connect.will->properties.payload_format_indicator = 1;
    connect.will->properties.content_type = "t";
    connect.username = "u";
    return connect;
}

Connack connack_with_properties() {
    Connack connack{true, ReasonCode::Success, {}};
    connack.properties.assigned_client_identifier = "id";
    connack.properties.server_keep_alive = 30;
    connack.properties.receive_maximum = 10;
    connack.properties.topic_alias_maximum = 5;
    connack.properties.maximum_qos = 1;
    connack.properties.retain_available = 0;
    connack.properties.maximum_packet_size = 1024;
    connack.properties.shared_subscription_available = 0;
    return connack;
}

Publish publish_with_alias_only() {
    Publish publish{"", "x", QoS::AtLeastOnce, false, false, 7, {}};
    publish.properties.topic_alias = 3;
    return publish;
}

Publish publish_with_subscription_ids() {
    Publish publish{"a", "\xC3\xA9", QoS::AtMostOnce, false, false, 0, {}};
    publish.properties.payload_format_indicator = 1;
    publish.properties.subscription_identifiers = {1, 200};
    return publish;
}

Subscribe subscribe_with_all_options() {
    Subscribe subscribe{10,
                        {{"a/b", QoS::ExactlyOnce, true, true, 2},
                         {"c", QoS::AtLeastOnce, false, false, 1},
                         {"$share/g/t", QoS::AtMostOnce, false, true, 0}},
                        {}};
    subscribe.properties.subscription_identifiers = {5};
    return subscribe;
}

Properties reason_string(const char* text) {
    Properties properties;
    properties.reason_string = text;
    return properties;
}

Properties user_property(const char* name, const char* value) {
    Properties properties;
    properties.user_properties = {{name, value}};
    return properties;
}

Auth auth_with_data() {
    Auth auth{ReasonCode::ContinueAuthentication, {}};
    auth.properties.authentication_method = "SCRAM";
    auth.properties.authentication_data = "\x01\x02";
    return auth;
}

std::vector<WireCase> wire_cases() {
    Properties server_moved;
    server_moved.server_reference = "s";
    return {
        {"CONNECT with properties and will properties", connect_with_will_properties(),
         bytes({0x10, 0x34, 0x00, 0x04, 'M',  'Q',  'T',  'T',  0x05, 0x8E, 0x00, 0x3C,
                0x0F,                                          // property length
                0x11, 0x00, 0x00, 0x00, 0x78,                  // Session Expiry Interval 120
                0x21, 0x00, 0x14,                              // Receive Maximum 20
                0x26, 0x00, 0x01, 'k',  0x00, 0x01, 'v',       // User Property k=v
                0x00, 0x02, 'c',  '1',                         // client identifier
                0x0B,                                          // will property length
                0x01, 0x01,                                    // Payload Format Indicator 1
                0x03, 0x00, 0x01, 't',                         // Content Type "t"
                0x18, 0x00, 0x00, 0x00, 0x05,                  // Will Delay Interval 5
                0x00, 0x01, 'w',  0x00, 0x02, 'h',  'i',       // will topic, payload
                0x00, 0x01, 'u'})},                            // user name
        {"CONNACK with several properties", connack_with_properties(),
         bytes({0x20, 0x1C, 0x01, 0x00, 0x19,
                0x12, 0x00, 0x02, 'i', 'd',                    // Assigned Client Identifier
                0x13, 0x00, 0x1E,                              // Server Keep Alive 30
                0x21, 0x00, 0x0A,                              // Receive Maximum 10
                0x22, 0x00, 0x05,                              // Topic Alias Maximum 5
                0x24, 0x01,                                    // Maximum QoS 1
                0x25, 0x00,                                    // Retain Available 0
                0x27, 0x00, 0x00, 0x04, 0x00,                  // Maximum Packet Size 1024
                0x2A, 0x00})},                                 // Shared Subscription Available 0
        {"CONNACK refusal with empty properties", Connack{false, ReasonCode::Banned, {}},
         bytes({0x20, 0x03, 0x00, 0x8A, 0x00})},
        {"PUBLISH with a topic alias and an empty topic", publish_with_alias_only(),
         bytes({0x32, 0x09, 0x00, 0x00, 0x00, 0x07, 0x03, 0x23, 0x00, 0x03, 'x'})},
        {"PUBLISH with payload format and two subscription identifiers",
         publish_with_subscription_ids(),
         bytes({0x30, 0x0D, 0x00, 0x01, 'a', 0x07, 0x01, 0x01, 0x0B, 0x01, 0x0B, 0xC8, 0x01, 0xC3,
                0xA9})},
        {"SUBSCRIBE with every subscription option", subscribe_with_all_options(),
         bytes({0x82, 0x1C, 0x00, 0x0A, 0x02, 0x0B, 0x05,                    //
                0x00, 0x03, 'a', '/', 'b', 0x2E,                              // QoS 2 NL RAP RH 2
                0x00, 0x01, 'c', 0x11,                                        // QoS 1, RH 1
                0x00, 0x0A, '$', 's', 'h', 'a', 'r', 'e', '/', 'g', '/', 't',  //
                0x08})},                                                      // QoS 0, RAP
        {"SUBACK with a reason string", Suback{3,
                                               {ReasonCode::GrantedQoS2, ReasonCode::NotAuthorized,
                                                ReasonCode::SharedSubscriptionsNotSupported},
                                               reason_string("no")},
         bytes({0x90, 0x0B, 0x00, 0x03, 0x05, 0x1F, 0x00, 0x02, 'n', 'o', 0x02, 0x87, 0x9E})},
        {"UNSUBSCRIBE with a user property", Unsubscribe{5, {"a"}, user_property("k", "v")},
         bytes({0xA2, 0x0D, 0x00, 0x05, 0x07, 0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'v', 0x00, 0x01,
                'a'})},
        {"UNSUBACK with reason codes",
         Unsuback{4, {ReasonCode::Success, ReasonCode::NoSubscriptionExisted}, {}},
         bytes({0xB0, 0x05, 0x00, 0x04, 0x00, 0x00, 0x11})},
        {"PUBACK short form", Puback{5, ReasonCode::Success, {}}, bytes({0x40, 0x02, 0x00, 0x05})},
        {"PUBREL short form", Pubrel{5, ReasonCode::Success, {}}, bytes({0x62, 0x02, 0x00, 0x05})},
        {"PUBCOMP with a reason code only", Pubcomp{5, ReasonCode::PacketIdentifierNotFound, {}},
         bytes({0x70, 0x03, 0x00, 0x05, 0x92})},
        {"PUBACK with a reason code and a reason string",
         Puback{5, ReasonCode::NoMatchingSubscribers, reason_string("r")},
         bytes({0x40, 0x08, 0x00, 0x05, 0x10, 0x04, 0x1F, 0x00, 0x01, 'r'})},
        {"PUBREC Success with a user property",
         Pubrec{5, ReasonCode::Success, user_property("a", "b")},
         bytes({0x50, 0x0B, 0x00, 0x05, 0x00, 0x07, 0x26, 0x00, 0x01, 'a', 0x00, 0x01, 'b'})},
        {"DISCONNECT normal", Disconnect{}, bytes({0xE0, 0x00})},
        {"DISCONNECT with will message (0x04)",
         Disconnect{ReasonCode::DisconnectWithWillMessage, {}}, bytes({0xE0, 0x01, 0x04})},
        {"DISCONNECT server moved with a server reference",
         Disconnect{ReasonCode::ServerMoved, server_moved},
         bytes({0xE0, 0x06, 0x9D, 0x04, 0x1C, 0x00, 0x01, 's'})},
        {"AUTH continue with method and data", auth_with_data(),
         bytes({0xF0, 0x0F, 0x18, 0x0D, 0x15, 0x00, 0x05, 'S', 'C', 'R', 'A', 'M', 0x16, 0x00,
                0x02, 0x01, 0x02})},
        {"AUTH short form", Auth{}, bytes({0xF0, 0x00})},
        {"AUTH re-authenticate without properties", Auth{ReasonCode::ReAuthenticate, {}},
         bytes({0xF0, 0x01, 0x19})},
    };
}

TEST_CASE("MQTT 5.0 encode produces the hand-written wire bytes", "[unit]") {
    for (const WireCase& c : wire_cases()) {
        INFO(c.name);
        CHECK(test::encoded(c.packet, kV5) == c.wire);
    }
}

TEST_CASE("MQTT 5.0 decode turns hand-written wire bytes into the expected packet", "[unit]") {
    for (const WireCase& c : wire_cases()) {
        INFO(c.name);
        const DecodeResult decoded = decode_packet(c.wire, kV5);
        INFO(test::error_message(decoded));
        REQUIRE(std::holds_alternative<Packet>(decoded));
        CHECK(std::get<Packet>(decoded) == c.packet);
    }
}

struct DecodeOnlyCase {
    const char* name;
    Bytes wire;
    Packet packet;
};

TEST_CASE("MQTT 5.0 decode accepts the longer equivalent forms", "[unit]") {
    Connect password_only;
    password_only.version = kV5;
    password_only.client_id = "c";
    password_only.password = "pw";
    const DecodeOnlyCase cases[] = {
        {"PUBACK with reason Success and no property length",
         bytes({0x40, 0x03, 0x00, 0x01, 0x00}), Puback{1, ReasonCode::Success, {}}},
        {"PUBACK with an empty property section",
         bytes({0x40, 0x04, 0x00, 0x01, 0x10, 0x00}),
         Puback{1, ReasonCode::NoMatchingSubscribers, {}}},
        {"PUBREL with reason Success and an empty property section",
         bytes({0x62, 0x04, 0x00, 0x01, 0x00, 0x00}), Pubrel{1, ReasonCode::Success, {}}},
        {"DISCONNECT with reason 0", bytes({0xE0, 0x01, 0x00}), Disconnect{}},
        {"DISCONNECT with reason 0 and an empty property section", bytes({0xE0, 0x02, 0x00, 0x00}),
         Disconnect{}},
        {"AUTH with reason 0 and an empty property section", bytes({0xF0, 0x02, 0x00, 0x00}),
         Auth{}},
        {"CONNACK properties in any order",
         bytes({0x20, 0x1C, 0x01, 0x00, 0x19, 0x2A, 0x00, 0x27, 0x00, 0x00, 0x04, 0x00, 0x25,
                0x00, 0x24, 0x01, 0x22, 0x00, 0x05, 0x21, 0x00, 0x0A, 0x13, 0x00, 0x1E, 0x12, 0x00,
                0x02, 'i', 'd'}),
         connack_with_properties()},
        {"CONNECT with a password and no user name (allowed in 5.0)",
         bytes({0x10, 0x12, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x42, 0x00, 0x00, 0x00, 0x00,
                0x01, 'c', 0x00, 0x02, 'p', 'w'}),
         password_only},
    };
    for (const DecodeOnlyCase& c : cases) {
        INFO(c.name);
        const DecodeResult decoded = decode_packet(c.wire, kV5);
        INFO(test::error_message(decoded));
        REQUIRE(std::holds_alternative<Packet>(decoded));
        CHECK(std::get<Packet>(decoded) == c.packet);
    }
}

}  // namespace
}  // namespace wg::codec
