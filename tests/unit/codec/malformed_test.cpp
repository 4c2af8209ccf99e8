// Malformed and refused packets: each vector asserts the reason code that
// decode_packet() reports.

#include <catch2/catch.hpp>

#include "test_helpers.h"

namespace wg::codec {
namespace {

using test::append_prefixed;
using test::Bytes;
using test::bytes;
using test::frame;

constexpr std::uint8_t kConnect = 0x10;
constexpr std::uint8_t kPublish = 0x30;
constexpr std::uint8_t kSubscribe = 0x82;
constexpr std::uint8_t kUnsubscribe = 0xA2;

// CONNECT body: protocol name, level, flags, keep alive 60, then each field
// with a two-byte length prefix (client id, will topic, will payload, ...).
Bytes connect_body(const std::string& name, int level, int flags,
                   const std::vector<std::string>& fields) {
    Bytes body;
    append_prefixed(body, name);
    body.push_back(static_cast<std::uint8_t>(level));
    body.push_back(static_cast<std::uint8_t>(flags));
    body.push_back(0x00);
    body.push_back(0x3C);
    for (const std::string& field : fields) append_prefixed(body, field);
    return body;
}

Bytes connect_frame(int flags, const std::vector<std::string>& fields) {
    return frame(kConnect, connect_body("MQTT", 4, flags, fields));
}

Bytes publish_frame(std::uint8_t first, const std::string& topic, const Bytes& rest = {}) {
    Bytes body;
    append_prefixed(body, topic);
    body.insert(body.end(), rest.begin(), rest.end());
    return frame(first, body);
}

// SUBSCRIBE / UNSUBSCRIBE body: packet id, then filters each followed by
// `options` (SUBSCRIBE) or nothing (options < 0).
Bytes filter_frame(std::uint8_t first, int packet_id, const std::vector<std::string>& filters,
                   int options) {
    Bytes body = bytes({packet_id >> 8, packet_id & 0xFF});
    for (const std::string& filter : filters) {
        append_prefixed(body, filter);
        if (options >= 0) body.push_back(static_cast<std::uint8_t>(options));
    }
    return frame(first, body);
}

struct MalformedCase {
    const char* name;
    Bytes wire;
    ReasonCode expected;
    const char* message_part = "";
    ProtocolVersion version = ProtocolVersion::Mqtt311;
};

const std::string kBadUtf8 = "\xC0\x80";          // overlong U+0000
const std::string kNul = std::string("a\0b", 3);  // U+0000

std::vector<MalformedCase> malformed_cases() {
    constexpr auto kMalformed = ReasonCode::MalformedPacket;
    constexpr auto kUnsupported = ReasonCode::UnsupportedProtocolVersion;
    constexpr auto kTopicInvalid = ReasonCode::TopicNameInvalid;
    constexpr auto kProtocolError = ReasonCode::ProtocolError;
    return {
        {"remaining length over 4 bytes", bytes({0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}), kMalformed},
        // Fixed-header flags.
        {"PUBREL with flags 0000", bytes({0x60, 0x02, 0x00, 0x01}), kMalformed, "flags"},
        {"PUBREL with flags 0011", bytes({0x63, 0x02, 0x00, 0x01}), kMalformed, "flags"},
        {"SUBSCRIBE with flags 0000", filter_frame(0x80, 1, {"a"}, 0), kMalformed, "flags"},
        {"SUBSCRIBE with DUP flag", filter_frame(0x8A, 1, {"a"}, 0), kMalformed, "flags"},
        {"UNSUBSCRIBE with flags 0000", filter_frame(0xA0, 1, {"a"}, -1), kMalformed, "flags"},
        {"PINGREQ with flags 0001", bytes({0xC1, 0x00}), kMalformed, "flags"},
        {"CONNECT with flags 0010", frame(0x12, connect_body("MQTT", 4, 0x02, {"c"})), kMalformed,
         "flags"},
        {"PUBACK with flags 0010", bytes({0x42, 0x02, 0x00, 0x01}), kMalformed, "flags"},
        {"CONNACK with flags 1000", bytes({0x28, 0x02, 0x00, 0x00}), kMalformed, "flags"},
        {"DISCONNECT with flags 0100", bytes({0xE4, 0x00}), kMalformed, "flags"},
        // PUBLISH flags and topic.
        {"PUBLISH QoS 3", publish_frame(0x36, "t", bytes({0x00, 0x01})), kMalformed, "QoS 3"},
        {"PUBLISH DUP with QoS 0", publish_frame(0x38, "t"), kMalformed, "DUP"},
        {"PUBLISH topic with '+'", publish_frame(kPublish, "a/+/c"), kTopicInvalid},
        {"PUBLISH topic with '#'", publish_frame(kPublish, "a/#"), kTopicInvalid},
        {"PUBLISH empty topic", publish_frame(kPublish, ""), kTopicInvalid},
        {"PUBLISH topic invalid UTF-8", publish_frame(kPublish, kBadUtf8), kMalformed,
         "topic name"},
        {"PUBLISH topic with U+0000", publish_frame(kPublish, kNul), kMalformed, "topic name"},
        {"PUBLISH QoS 1 packet id 0", publish_frame(0x32, "t", bytes({0x00, 0x00, 'x'})),
         kMalformed, "packet identifier 0"},
        {"PUBLISH QoS 2 without packet id", publish_frame(0x34, "t", bytes({0x01})), kMalformed},
        {"PUBLISH topic length past the end", bytes({0x30, 0x05, 0x00, 0x0A, 'a', 'b', 'c'}),
         kMalformed, "topic name"},
        // CONNECT protocol.
        {"CONNECT unknown protocol name", frame(kConnect, connect_body("MQTX", 4, 0x02, {"c"})),
         kUnsupported},
        {"CONNECT MQTT with level 3", frame(kConnect, connect_body("MQTT", 3, 0x02, {"c"})),
         kUnsupported},
        {"CONNECT MQIsdp with level 4", frame(kConnect, connect_body("MQIsdp", 4, 0x02, {"c"})),
         kUnsupported},
        {"CONNECT unknown protocol level", frame(kConnect, connect_body("MQTT", 6, 0x02, {"c"})),
         kUnsupported},
        {"CONNECT MQTT 5.0 without its property length",
         frame(kConnect, connect_body("MQTT", 5, 0x02, {})), kMalformed, "property length",
         ProtocolVersion::Mqtt5},
        {"CONNECT binary protocol name",
         frame(kConnect, connect_body(std::string("\0\xFF", 2), 4, 0x02, {"c"})), kUnsupported},
        // CONNECT flags.
        {"CONNECT reserved flag set", connect_frame(0x03, {"c"}), kMalformed, "reserved"},
        {"CONNECT will QoS 3", connect_frame(0x1E, {"c", "w", "p"}), kMalformed, "will QoS 3"},
        {"CONNECT will QoS without will flag", connect_frame(0x0A, {"c"}), kMalformed},
        {"CONNECT will retain without will flag", connect_frame(0x22, {"c"}), kMalformed},
        {"CONNECT password without user name", connect_frame(0x42, {"c", "pw"}), kMalformed,
         "password"},
        {"CONNECT 3.1 password without user name",
         frame(kConnect, connect_body("MQIsdp", 3, 0x42, {"c", "pw"})), kMalformed, "password",
         ProtocolVersion::Mqtt31},
        // CONNECT strings.
        {"CONNECT client id invalid UTF-8", connect_frame(0x02, {kBadUtf8}), kMalformed,
         "client identifier"},
        {"CONNECT client id with U+0000", connect_frame(0x02, {kNul}), kMalformed,
         "client identifier"},
        {"CONNECT client id surrogate", connect_frame(0x02, {"\xED\xA0\x80"}), kMalformed,
         "client identifier"},
        {"CONNECT will topic with wildcard", connect_frame(0x06, {"c", "a/#", "p"}), kTopicInvalid,
         "invalid will topic"},
        {"CONNECT empty will topic", connect_frame(0x06, {"c", "", "p"}), kTopicInvalid,
         "invalid will topic"},
        {"CONNECT will topic invalid UTF-8", connect_frame(0x06, {"c", kBadUtf8, "p"}), kMalformed,
         "will topic"},
        {"CONNECT user name invalid UTF-8", connect_frame(0x82, {"c", kBadUtf8}), kMalformed,
         "user name"},
        {"CONNECT client id length past the end",
         frame(kConnect,
               [] {
                   Bytes body = connect_body("MQTT", 4, 0x02, {});
                   body.insert(body.end(), {0x00, 0x09, 'a', 'b'});
                   return body;
               }()),
         kMalformed, "client identifier"},
        {"CONNECT missing will payload", connect_frame(0x06, {"c", "w"}), kMalformed,
         "will payload"},
        {"CONNECT missing password", connect_frame(0xC2, {"c", "u"}), kMalformed, "password"},
        {"CONNECT missing keep alive",
         frame(kConnect, bytes({0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00})), kMalformed,
         "keep alive"},
        {"CONNECT trailing bytes",
         frame(kConnect,
               [] {
                   Bytes body = connect_body("MQTT", 4, 0x02, {"c"});
                   body.push_back(0x00);
                   return body;
               }()),
         kMalformed, "trailing"},
        // SUBSCRIBE / UNSUBSCRIBE.
        {"SUBSCRIBE with no filters", filter_frame(kSubscribe, 1, {}, 0), kProtocolError,
         "SUBSCRIBE with no topic filters"},
        {"SUBSCRIBE reserved option bit 2", filter_frame(kSubscribe, 1, {"a"}, 0x04), kMalformed,
         "reserved"},
        {"SUBSCRIBE reserved option bit 7", filter_frame(kSubscribe, 1, {"a"}, 0x81), kMalformed,
         "reserved"},
        {"SUBSCRIBE requested QoS 3", filter_frame(kSubscribe, 1, {"a"}, 0x03), kMalformed,
         "QoS 3"},
        {"SUBSCRIBE filter invalid UTF-8", filter_frame(kSubscribe, 1, {"a", kBadUtf8}, 1),
         kMalformed, "topic filter"},
        {"SUBSCRIBE filter with U+0000", filter_frame(kSubscribe, 1, {kNul}, 1), kMalformed,
         "topic filter"},
        {"SUBSCRIBE packet id 0", filter_frame(kSubscribe, 0, {"a"}, 0), kMalformed,
         "packet identifier 0"},
        {"SUBSCRIBE missing options byte", filter_frame(kSubscribe, 1, {"a"}, -1), kMalformed},
        {"UNSUBSCRIBE with no filters", filter_frame(kUnsubscribe, 1, {}, -1), kProtocolError},
        {"UNSUBSCRIBE packet id 0", filter_frame(kUnsubscribe, 0, {"a"}, -1), kMalformed,
         "packet identifier 0"},
        {"UNSUBSCRIBE filter invalid UTF-8", filter_frame(kUnsubscribe, 1, {kBadUtf8}, -1),
         kMalformed, "topic filter"},
        // Acknowledgements.
        {"PUBACK packet id 0", bytes({0x40, 0x02, 0x00, 0x00}), kMalformed, "packet identifier 0"},
        {"PUBREC packet id 0", bytes({0x50, 0x02, 0x00, 0x00}), kMalformed, "packet identifier 0"},
        {"PUBREL packet id 0", bytes({0x62, 0x02, 0x00, 0x00}), kMalformed, "packet identifier 0"},
        {"PUBCOMP packet id 0", bytes({0x70, 0x02, 0x00, 0x00}), kMalformed, "packet identifier 0"},
        {"UNSUBACK packet id 0", bytes({0xB0, 0x02, 0x00, 0x00}), kMalformed,
         "packet identifier 0"},
        {"SUBACK packet id 0", bytes({0x90, 0x03, 0x00, 0x00, 0x00}), kMalformed,
         "packet identifier 0"},
        {"PUBACK trailing garbage", bytes({0x40, 0x03, 0x00, 0x01, 0xFF}), kMalformed, "trailing"},
        {"PUBACK too short", bytes({0x40, 0x01, 0x01}), kMalformed},
        {"UNSUBACK trailing garbage", bytes({0xB0, 0x03, 0x00, 0x01, 0x00}), kMalformed},
        {"SUBACK unknown return code", bytes({0x90, 0x03, 0x00, 0x01, 0x03}), kMalformed},
        {"SUBACK with no return codes", bytes({0x90, 0x02, 0x00, 0x01}), kProtocolError},
        {"CONNACK too short", bytes({0x20, 0x01, 0x00}), kMalformed},
        {"CONNACK trailing bytes", bytes({0x20, 0x03, 0x00, 0x00, 0x00}), kMalformed},
        // Empty packets.
        {"PINGREQ with a body", bytes({0xC0, 0x01, 0x00}), kMalformed},
        {"PINGRESP with a body", bytes({0xD0, 0x01, 0x00}), kMalformed},
        {"DISCONNECT with a body", bytes({0xE0, 0x01, 0x00}), kMalformed},
        {"AUTH in 3.1.1", bytes({0xF0, 0x00}), kMalformed, "AUTH"},
    };
}

TEST_CASE("malformed packets are refused with the right reason code", "[unit]") {
    for (const MalformedCase& c : malformed_cases()) {
        INFO(c.name);
        const DecodeResult result = decode_packet(c.wire, c.version);
        REQUIRE(test::is_error(result));
        CHECK(test::error_reason(result) == c.expected);
        CHECK_THAT(test::error_message(result), Catch::Contains(c.message_part));
    }
}

TEST_CASE("non-CONNECT malformed packets fail the same way under MQTT 3.1", "[unit]") {
    for (const MalformedCase& c : malformed_cases()) {
        if ((c.wire[0] >> 4U) == 1 || (c.wire[0] >> 4U) == 2) continue;  // version specific
        INFO(c.name);
        const DecodeResult result = decode_packet(c.wire, ProtocolVersion::Mqtt31);
        REQUIRE(test::is_error(result));
        CHECK(test::error_reason(result) == c.expected);
    }
}

TEST_CASE("an encoded packet over the size limit is PacketTooLarge", "[unit]") {
    Bytes wire;
    encode(Publish{"big", std::string(2'000, 'x'), QoS::AtMostOnce, false, false, 0},
           ProtocolVersion::Mqtt311, wire);
    const FrameResult result = read_frame_header(std::span(wire).first(3), 1'024);
    REQUIRE(result.status == FrameStatus::Error);
    CHECK(result.error.reason == ReasonCode::PacketTooLarge);
    CHECK_THAT(result.error.message, Catch::Contains("1024"));
}

TEST_CASE("every truncation of a valid packet is malformed", "[unit]") {
    const ProtocolVersion version = ProtocolVersion::Mqtt311;
    Connect connect;
    connect.client_id = "c";
    connect.will = Will{"w", "bye", QoS::AtLeastOnce, true};
    connect.username = "u";
    connect.password = "p";
    const std::vector<Packet> packets = {
        connect,
        Connack{true, ReasonCode::Success},
        Publish{"a/b", "payload", QoS::ExactlyOnce, true, false, 5},
        Puback{1, ReasonCode::Success},
        Pubrel{1, ReasonCode::Success},
        Subscribe{1, {{"a/b", QoS::AtLeastOnce}, {"c", QoS::AtMostOnce}}},
        Suback{1, {ReasonCode::Success, ReasonCode::UnspecifiedError}},
        Unsubscribe{1, {"a/b", "c"}},
        Unsuback{1, {}},
        Pingreq{},
        Disconnect{},
    };
    for (const Packet& packet : packets) {
        const Bytes wire = test::encoded(packet, version);
        REQUIRE(std::holds_alternative<Packet>(decode_packet(wire, version)));
        for (std::size_t n = 0; n < wire.size(); ++n) {
            CAPTURE(static_cast<int>(packet_type(packet)), n);
            const DecodeResult result = decode_packet(std::span(wire).first(n), version);
            REQUIRE(test::is_error(result));
            CHECK(test::error_reason(result) == ReasonCode::MalformedPacket);
        }
    }
}

TEST_CASE("a CONNECT body cut short with a consistent header is malformed", "[unit]") {
    const Bytes body = connect_body("MQTT", 4, 0xC6, {"c", "w", "bye", "u", "p"});
    REQUIRE(std::holds_alternative<Packet>(
        decode_packet(frame(kConnect, body), ProtocolVersion::Mqtt311)));
    for (std::size_t n = 0; n < body.size(); ++n) {
        CAPTURE(n);
        const Bytes cut(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(n));
        const DecodeResult result = decode_packet(frame(kConnect, cut), ProtocolVersion::Mqtt311);
        REQUIRE(test::is_error(result));
        CHECK(test::error_reason(result) == ReasonCode::MalformedPacket);
    }
}

}  // namespace
}  // namespace wg::codec
