// MQTT 5.0 malformed and refused packets: each vector asserts the reason code
// decode_packet() reports; CONNECT failures also report the client's version.

#include <catch2/catch.hpp>
#include <initializer_list>

#include "test_helpers.h"
#include "v5_fixtures.h"

namespace wg::codec {
namespace {

using test::append_prefixed;
using test::Bytes;
using test::bytes;
using test::frame;

constexpr auto kV5 = ProtocolVersion::Mqtt5;
constexpr auto kV311 = ProtocolVersion::Mqtt311;

Bytes join(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const Bytes& part : parts) out.insert(out.end(), part.begin(), part.end());
    return out;
}

Bytes str(const std::string& text) {
    Bytes out;
    append_prefixed(out, text);
    return out;
}

// A property section: one-byte length (all test sections are short), then the bytes.
Bytes props(const Bytes& properties) {
    return join({bytes({static_cast<int>(properties.size())}), properties});
}

// CONNECT 5.0: flags, keep alive 60, CONNECT properties, then `rest`.
Bytes connect5(int flags, const Bytes& properties, const Bytes& rest) {
    return frame(0x10,
                 join({str("MQTT"), bytes({0x05, flags, 0x00, 0x3C}), props(properties), rest}));
}

// CONNECT 5.0 with a will: client id "c", Will Properties, topic "w", `payload`.
Bytes connect5_will(const Bytes& will_properties, const std::string& payload) {
    return connect5(0x06, {}, join({str("c"), props(will_properties), str("w"), str(payload)}));
}

// PUBLISH 5.0 QoS 0 on topic `topic`.
Bytes publish5(const std::string& topic, const Bytes& properties, const Bytes& payload = {}) {
    return frame(0x30, join({str(topic), props(properties), payload}));
}

// SUBSCRIBE 5.0 with packet id 1, `properties`, and one filter with `options`.
Bytes subscribe5(const std::string& filter, int options, const Bytes& properties = {}) {
    return frame(0x82, join({bytes({0x00, 0x01}), props(properties), str(filter),
                             bytes({options})}));
}

struct Case {
    const char* name;
    Bytes wire;
    ReasonCode expected;
    const char* message_part = "";
    ProtocolVersion version = kV5;
};

const std::string kBadUtf8 = "\xC0\x80";

std::vector<Case> cases() {
    constexpr auto kMalformed = ReasonCode::MalformedPacket;
    constexpr auto kProtocol = ReasonCode::ProtocolError;
    const Bytes session_expiry = bytes({0x11, 0x00, 0x00, 0x00, 0x0A});
    return {
        // Duplicates: single-valued properties once; User Property anywhere; Subscription
        // Identifier repeats only in PUBLISH.
        {"duplicate Message Expiry Interval in PUBLISH",
         publish5("t", bytes({0x02, 0, 0, 0, 1, 0x02, 0, 0, 0, 2})), kProtocol,
         "Message Expiry Interval appears more than once"},
        {"duplicate Receive Maximum in CONNECT",
         connect5(0x02, bytes({0x21, 0, 1, 0x21, 0, 2}), str("c")), kProtocol, "more than once"},
        {"duplicate Reason String in PUBACK",
         frame(0x40, join({bytes({0, 1, 0x10}), props(join({bytes({0x1F}), str("a"),
                                                              bytes({0x1F}), str("b")}))})),
         kProtocol, "Reason String"},
        {"duplicate Subscription Identifier in SUBSCRIBE",
         subscribe5("a", 0, bytes({0x0B, 0x01, 0x0B, 0x02})), kProtocol,
         "Subscription Identifier appears more than once"},
        // Not allowed on that packet.
        {"Will Delay Interval in PUBLISH", publish5("t", bytes({0x18, 0, 0, 0, 1})), kMalformed,
         "property Will Delay Interval not allowed in PUBLISH"},
        {"Topic Alias in CONNECT", connect5(0x02, bytes({0x23, 0, 1}), str("c")), kMalformed,
         "property Topic Alias not allowed in CONNECT"},
        {"Session Expiry Interval in Will Properties", connect5_will(session_expiry, "x"),
         kMalformed, "not allowed in Will Properties"},
        {"Reason String in PUBLISH", publish5("t", join({bytes({0x1F}), str("r")})), kMalformed,
         "not allowed in PUBLISH"},
        {"Server Reference in PUBACK",
         frame(0x40, join({bytes({0, 1, 0x00}), props(join({bytes({0x1C}), str("s")}))})),
         kMalformed, "not allowed in PUBACK"},
        {"Subscription Identifier in CONNACK",
         frame(0x20, join({bytes({0x00, 0x00}), props(bytes({0x0B, 0x01}))})), kMalformed,
         "not allowed in CONNACK"},
        {"Topic Alias in DISCONNECT",
         frame(0xE0, join({bytes({0x00}), props(bytes({0x23, 0, 1}))})),
         kMalformed, "not allowed in DISCONNECT"},
        {"Content Type in AUTH",
         frame(0xF0, join({bytes({0x18}), props(join({bytes({0x03}), str("c")}))})), kMalformed,
         "not allowed in AUTH"},
        // Lengths.
        {"property length past the packet",
         frame(0x30, join({str("t"), bytes({0x05, 0x01, 0x01})})), kMalformed,
         "runs past the end of the packet"},
        {"property value past the property length",
         frame(0x30, join({str("t"), bytes({0x02, 0x02, 0x00}), bytes({0, 0, 0x10, 'p'})})),
         kMalformed, "Message Expiry Interval runs past the end of PUBLISH properties"},
        {"User Property value past the property length",
         connect5(0x02, join({bytes({0x26}), str("k"), bytes({0x00})}),
                  join({bytes({0x01}), str("c")})),
         kMalformed, "User Property value runs past the end of CONNECT properties"},
        {"property length longer than 4 bytes",
         frame(0x30, join({str("t"), bytes({0x80, 0x80, 0x80, 0x80, 0x01})})), kMalformed,
         "longer than 4 bytes"},
        {"property length not minimally encoded",
         frame(0x30, join({str("t"), bytes({0x80, 0x00})})), kMalformed, "minimally"},
        {"missing CONNACK property length", bytes({0x20, 0x02, 0x00, 0x00}), kMalformed,
         "property length"},
        {"bytes after a PUBACK property section",
         frame(0x40, bytes({0x00, 0x01, 0x10, 0x00, 0xFF})), kMalformed, "trailing"},
        // Identifiers.
        {"unknown property identifier 0x05", publish5("t", bytes({0x05, 0x00})), kMalformed,
         "unknown property identifier 0x05"},
        {"property identifier 0", publish5("t", bytes({0x00})), kMalformed, "unknown"},
        {"property identifier past 0x7F", publish5("t", bytes({0x80, 0x01, 0x00})), kMalformed,
         "unknown property identifier 0x80"},
        {"property identifier not minimally encoded", publish5("t", bytes({0x81, 0x00, 0x01})),
         kMalformed, "minimally"},
        // Values.
        {"Receive Maximum 0 in CONNECT", connect5(0x02, bytes({0x21, 0, 0}), str("c")), kProtocol,
         "Receive Maximum 0"},
        {"Receive Maximum 0 in CONNACK",
         frame(0x20, join({bytes({0x00, 0x00}), props(bytes({0x21, 0, 0}))})), kProtocol},
        {"Maximum Packet Size 0 in CONNECT", connect5(0x02, bytes({0x27, 0, 0, 0, 0}), str("c")),
         kProtocol, "Maximum Packet Size 0"},
        {"Topic Alias 0 in PUBLISH", publish5("t", bytes({0x23, 0, 0})),
         ReasonCode::TopicAliasInvalid, "Topic Alias 0"},
        {"Payload Format Indicator 2", publish5("t", bytes({0x01, 0x02})), kProtocol,
         "neither 0 nor 1"},
        {"Request Problem Information 2", connect5(0x02, bytes({0x17, 0x02}), str("c")), kProtocol},
        {"Request Response Information 2", connect5(0x02, bytes({0x19, 0x02}), str("c")),
         kProtocol},
        {"Maximum QoS 2", frame(0x20, join({bytes({0, 0}), props(bytes({0x24, 0x02}))})),
         kProtocol, "Maximum QoS 2"},
        {"Retain Available 2", frame(0x20, join({bytes({0, 0}), props(bytes({0x25, 0x02}))})),
         kProtocol},
        {"Wildcard Subscription Available 2",
         frame(0x20, join({bytes({0, 0}), props(bytes({0x28, 0x02}))})), kProtocol},
        {"Subscription Identifier Available 2",
         frame(0x20, join({bytes({0, 0}), props(bytes({0x29, 0x02}))})), kProtocol},
        {"Shared Subscription Available 2",
         frame(0x20, join({bytes({0, 0}), props(bytes({0x2A, 0x02}))})), kProtocol},
        {"Subscription Identifier 0 in SUBSCRIBE", subscribe5("a", 0, bytes({0x0B, 0x00})),
         kProtocol, "Subscription Identifier 0"},
        {"Subscription Identifier 0 in PUBLISH", publish5("t", bytes({0x0B, 0x01, 0x0B, 0x00})),
         kProtocol, "Subscription Identifier 0"},
        {"Subscription Identifier longer than 4 bytes",
         publish5("t", bytes({0x0B, 0xFF, 0xFF, 0xFF, 0xFF, 0x01})), kMalformed},
        {"Response Topic with a wildcard", publish5("t", join({bytes({0x08}), str("r/#")})),
         kProtocol, "Response Topic"},
        {"empty Response Topic", publish5("t", join({bytes({0x08}), str("")})), kProtocol,
         "Response Topic"},
        {"Content Type invalid UTF-8", publish5("t", join({bytes({0x03}), str(kBadUtf8)})),
         kMalformed, "Content Type in PUBLISH properties is not valid UTF-8"},
        {"User Property name invalid UTF-8",
         publish5("t", join({bytes({0x26}), str(kBadUtf8), str("v")})), kMalformed,
         "User Property name"},
        {"Authentication Data without Authentication Method in CONNECT",
         connect5(0x02, join({bytes({0x16}), str("data")}), str("c")), kProtocol,
         "Authentication Data without Authentication Method"},
        {"Authentication Data without Authentication Method in AUTH",
         frame(0xF0, join({bytes({0x18}), props(join({bytes({0x16}), str("d")}))})), kProtocol},
        // Payload format.
        {"Payload Format Indicator 1 with invalid UTF-8 in PUBLISH",
         publish5("t", bytes({0x01, 0x01}), bytes({'o', 'k', 0xFF})),
         ReasonCode::PayloadFormatInvalid, "PUBLISH payload"},
        {"Payload Format Indicator 1 with a surrogate in PUBLISH",
         publish5("t", bytes({0x01, 0x01}), bytes({0xED, 0xA0, 0x80})),
         ReasonCode::PayloadFormatInvalid},
        {"Payload Format Indicator 1 with invalid UTF-8 in the will",
         connect5_will(bytes({0x01, 0x01}), "\xC3"), ReasonCode::PayloadFormatInvalid,
         "will payload"},
        // Topics.
        {"empty topic without a Topic Alias", publish5("", {}), kProtocol, "no Topic Alias"},
        {"wildcard topic with a Topic Alias", publish5("a/#", bytes({0x23, 0, 1})),
         ReasonCode::TopicNameInvalid},
        // Subscription options.
        {"Retain Handling 3", subscribe5("a", 0x30), kProtocol, "Retain Handling 3"},
        {"reserved subscription option bit 6", subscribe5("a", 0x40), kMalformed, "reserved"},
        {"reserved subscription option bit 7", subscribe5("a", 0x81), kMalformed, "reserved"},
        {"subscription QoS 3", subscribe5("a", 0x03), kMalformed, "QoS 3"},
        {"No Local on a shared subscription", subscribe5("$share/g/t", 0x04), kProtocol,
         "No Local"},
        {"SUBSCRIBE with properties and no filters",
         frame(0x82, join({bytes({0x00, 0x01}), props(bytes({0x0B, 0x01}))})), kProtocol},
        // Reason codes.
        {"PUBACK reason code 0x01", bytes({0x40, 0x03, 0x00, 0x01, 0x01}), kMalformed,
         "reason code 1 not allowed in PUBACK"},
        {"PUBACK reason code 0x92", bytes({0x40, 0x03, 0x00, 0x01, 0x92}), kMalformed},
        {"PUBREC reason code 0x04", bytes({0x50, 0x03, 0x00, 0x01, 0x04}), kMalformed},
        {"PUBREL reason code 0x10", bytes({0x62, 0x03, 0x00, 0x01, 0x10}), kMalformed},
        {"PUBCOMP reason code 0x80", bytes({0x70, 0x03, 0x00, 0x01, 0x80}), kMalformed},
        {"CONNACK reason code 0x01", bytes({0x20, 0x03, 0x00, 0x01, 0x00}), kMalformed},
        {"CONNACK reason code 0x8B", bytes({0x20, 0x03, 0x00, 0x8B, 0x00}), kMalformed},
        {"CONNACK session present with a refusal", bytes({0x20, 0x03, 0x01, 0x87, 0x00}),
         kProtocol, "session present"},
        {"CONNACK reserved acknowledge flags", bytes({0x20, 0x03, 0x02, 0x00, 0x00}), kMalformed},
        {"SUBACK reason code 0x03", bytes({0x90, 0x04, 0x00, 0x01, 0x00, 0x03}), kMalformed},
        {"SUBACK without reason codes", bytes({0x90, 0x03, 0x00, 0x01, 0x00}), kProtocol},
        {"UNSUBACK reason code 0x02", bytes({0xB0, 0x04, 0x00, 0x01, 0x00, 0x02}), kMalformed},
        {"UNSUBACK without reason codes", bytes({0xB0, 0x03, 0x00, 0x01, 0x00}), kProtocol},
        {"DISCONNECT reason code 0x01", bytes({0xE0, 0x01, 0x01}), kMalformed},
        {"DISCONNECT reason code 0x88", bytes({0xE0, 0x01, 0x88}), kMalformed},
        {"AUTH reason code 0x01", bytes({0xF0, 0x01, 0x01}), kMalformed,
         "reason code 1 not allowed in AUTH"},
        {"AUTH reason code 0x87", bytes({0xF0, 0x01, 0x87}), kMalformed},
        {"AUTH with flags 0001", bytes({0xF1, 0x00}), kMalformed, "flags"},
        // 5.0 packets on a 3.1.1 connection.
        {"5.0 subscription options on 3.1.1",
         frame(0x82, join({bytes({0x00, 0x01}), str("a"), bytes({0x11})})), kMalformed,
         "reserved", kV311},
        {"5.0 SUBSCRIBE on 3.1.1", subscribe5("a/b", 0x2E), kMalformed, "", kV311},
        {"5.0 AUTH on 3.1.1", bytes({0xF0, 0x02, 0x18, 0x00}), kMalformed, "AUTH", kV311},
        {"5.0 PUBACK with a reason code on 3.1.1", bytes({0x40, 0x03, 0x00, 0x01, 0x10}),
         kMalformed, "trailing", kV311},
        {"5.0 DISCONNECT with a reason code on 3.1.1", bytes({0xE0, 0x01, 0x04}), kMalformed,
         "trailing", kV311},
    };
}

TEST_CASE("MQTT 5.0 malformed packets are refused with the right reason code", "[unit]") {
    for (const Case& c : cases()) {
        INFO(c.name);
        const DecodeResult result = decode_packet(c.wire, c.version);
        REQUIRE(test::is_error(result));
        CHECK(test::error_reason(result) == c.expected);
        CHECK_THAT(test::error_message(result), Catch::Contains(c.message_part));
        const bool is_connect = (c.wire[0] >> 4U) == 1;
        CHECK(std::get<DecodeError>(result).connect_version.has_value() == is_connect);
    }
}

TEST_CASE("MQTT 5.0 allows U+0000 in a Payload Format Indicator 1 payload", "[unit]") {
    // Character data must be well-formed UTF-8 (spec 3.3.2.3.2); U+0000 is.
    const DecodeResult result =
        decode_packet(publish5("t", bytes({0x01, 0x01}), bytes({'a', 0x00})), kV5);
    INFO(test::error_message(result));
    REQUIRE(std::holds_alternative<Packet>(result));
    CHECK(std::get<Publish>(std::get<Packet>(result)).payload == std::string("a\0", 2));
}

DecodeError connect_error(const Bytes& wire) {
    const DecodeResult result = decode_packet(wire, kV311);  // CONNECT ignores the version
    REQUIRE(test::is_error(result));
    return std::get<DecodeError>(result);
}

TEST_CASE("a failed CONNECT reports the protocol version it was recognised as", "[unit]") {
    const DecodeError v5 = connect_error(connect5(0x02, bytes({0x23, 0, 1}), str("c")));
    CHECK(v5.reason == ReasonCode::MalformedPacket);
    CHECK(v5.connect_version == ProtocolVersion::Mqtt5);

    const DecodeError v5_will = connect_error(connect5_will(bytes({0x01, 0x01}), "\xFF"));
    CHECK(v5_will.reason == ReasonCode::PayloadFormatInvalid);
    CHECK(v5_will.connect_version == ProtocolVersion::Mqtt5);

    const DecodeError v5_flags = connect_error(frame(0x10, join({str("MQTT"), bytes({0x05})})));
    CHECK(v5_flags.reason == ReasonCode::MalformedPacket);
    CHECK(v5_flags.connect_version == ProtocolVersion::Mqtt5);

    const DecodeError v311 =
        connect_error(frame(0x10, join({str("MQTT"), bytes({0x04, 0x03, 0x00, 0x3C}), str("c")})));
    CHECK(v311.reason == ReasonCode::MalformedPacket);
    CHECK(v311.connect_version == ProtocolVersion::Mqtt311);

    const DecodeError v311_topic = connect_error(
        frame(0x10, join({str("MQTT"), bytes({0x04, 0x06, 0x00, 0x3C}), str("c"), str("a/+"),
                          str("p")})));
    CHECK(v311_topic.reason == ReasonCode::TopicNameInvalid);
    CHECK(v311_topic.connect_version == ProtocolVersion::Mqtt311);

    const DecodeError v31 = connect_error(
        frame(0x10, join({str("MQIsdp"), bytes({0x03, 0x42, 0x00, 0x3C}), str("c"), str("p")})));
    CHECK(v31.reason == ReasonCode::MalformedPacket);
    CHECK(v31.connect_version == ProtocolVersion::Mqtt31);
}

TEST_CASE("a CONNECT refused before its version is known reports none", "[unit]") {
    const DecodeError unsupported =
        connect_error(frame(0x10, join({str("MQTT"), bytes({0x06, 0x02, 0x00, 0x3C}), str("c")})));
    CHECK(unsupported.reason == ReasonCode::UnsupportedProtocolVersion);
    CHECK_FALSE(unsupported.connect_version.has_value());

    const DecodeError no_level = connect_error(frame(0x10, str("MQTT")));
    CHECK(no_level.reason == ReasonCode::MalformedPacket);
    CHECK_FALSE(no_level.connect_version.has_value());

    const DecodeError bad_flags = connect_error(frame(0x11, join({str("MQTT"), bytes({0x05})})));
    CHECK_FALSE(bad_flags.connect_version.has_value());
}

TEST_CASE("every cut of a MQTT 5.0 CONNECT body is malformed and keeps the version", "[unit]") {
    const Packet connect = test::v5_kitchen_sink().front();
    REQUIRE(packet_type(connect) == PacketType::Connect);
    const Bytes wire = test::encoded(connect, kV5);
    const FrameResult header = read_frame_header(wire, 1U << 20U);
    REQUIRE(header.status == FrameStatus::Complete);
    const Bytes body(wire.begin() + static_cast<std::ptrdiff_t>(header.header.header_size),
                     wire.end());
    constexpr std::size_t kVersionKnown = 7;  // protocol name (6) and level (1)
    for (std::size_t n = 0; n < body.size(); ++n) {
        CAPTURE(n);
        const Bytes cut(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(n));
        const DecodeError error = connect_error(frame(0x10, cut));
        CHECK(error.reason == ReasonCode::MalformedPacket);
        CHECK(error.connect_version.has_value() == (n >= kVersionKnown));
    }
}

// The body of an encoded packet, after its fixed header.
Bytes body_of(const Packet& packet) {
    const Bytes wire = test::encoded(packet, kV5);
    const FrameResult header = read_frame_header(wire, 1U << 20U);
    REQUIRE(header.status == FrameStatus::Complete);
    return Bytes(wire.begin() + static_cast<std::ptrdiff_t>(header.header.header_size),
                 wire.end());
}

TEST_CASE("every cut inside a MQTT 5.0 property section is malformed", "[unit]") {
    // Packets whose property section follows two bytes (packet identifier, or
    // CONNACK flags and reason code) and is itself followed by more fields.
    for (const Packet& packet : test::v5_kitchen_sink()) {
        const PacketType type = packet_type(packet);
        if (type != PacketType::Connack && type != PacketType::Suback &&
            type != PacketType::Unsuback && type != PacketType::Subscribe &&
            type != PacketType::Unsubscribe) {
            continue;
        }
        CAPTURE(packet_name(type));
        Packet bare = packet;
        std::visit(
            [](auto& p) {
                if constexpr (requires { p.properties; }) p.properties = {};
            },
            bare);
        const Bytes body = body_of(packet);
        // Section size: the bare packet's section is the single byte 0x00.
        const std::size_t section_end = 2 + 1 + body.size() - body_of(bare).size();
        REQUIRE(section_end > 3);
        for (std::size_t n = 0; n < section_end; ++n) {
            CAPTURE(n);
            const Bytes cut(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(n));
            const DecodeResult result =
                decode_packet(frame(test::encoded(packet, kV5)[0], cut), kV5);
            REQUIRE(test::is_error(result));
            CHECK(test::error_reason(result) == ReasonCode::MalformedPacket);
        }
    }
}

}  // namespace
}  // namespace wg::codec
