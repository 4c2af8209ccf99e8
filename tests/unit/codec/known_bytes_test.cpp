// Hand-written wire bytes for every packet type, compared against encode()
// and decode_packet(), so a bug made symmetrically in both cannot pass.

#include <catch2/catch.hpp>

#include "test_helpers.h"

namespace wg::codec {
namespace {

using test::Bytes;
using test::bytes;

constexpr auto kV31 = ProtocolVersion::Mqtt31;
constexpr auto kV311 = ProtocolVersion::Mqtt311;
constexpr auto kV5 = ProtocolVersion::Mqtt5;

struct WireCase {
    const char* name;
    Packet packet;
    ProtocolVersion version;
    Bytes wire;
    bool decodes_back = true;  // false where encode normalises
};

Connect spec_connect() {
    // Spec 3.1.1 section 3.1.2.10's flags 0xCE: user name, password, will QoS 1,
    // will flag, clean session; keep alive 10.
    Connect connect;
    connect.keep_alive = 10;
    connect.client_id = "wg";
    connect.will = Will{"w/t", "bye", QoS::AtLeastOnce, false};
    connect.username = "u";
    connect.password = "p";
    return connect;
}

Connect mqtt31_connect() {
    Connect connect;
    connect.protocol_name = "MQIsdp";
    connect.version = kV31;
    connect.keep_alive = 60;
    connect.client_id = "c1";
    return connect;
}

Publish publish_qos1() {
    Publish publish;
    publish.topic = "a/b";
    publish.payload = "hi";
    publish.qos = QoS::AtLeastOnce;
    publish.retain = true;
    publish.dup = true;
    publish.packet_id = 10;
    return publish;
}

std::vector<WireCase> wire_cases() {
    Connect v5_connect = mqtt31_connect();
    v5_connect.protocol_name = "MQTT";
    v5_connect.version = kV5;
    Connect retained_will = mqtt31_connect();
    retained_will.version = kV311;
    retained_will.protocol_name = "MQTT";
    retained_will.clean_session = false;
    retained_will.will = Will{"t", "", QoS::ExactlyOnce, true};

    return {
        {"CONNECT 3.1.1 with will, user name and password", spec_connect(), kV311,
         bytes({0x10, 0x1E, 0x00, 0x04, 'M',  'Q',  'T',  'T',  0x04, 0xCE, 0x00,
                0x0A, 0x00, 0x02, 'w',  'g',  0x00, 0x03, 'w',  '/',  't',  0x00,
                0x03, 'b',  'y',  'e',  0x00, 0x01, 'u',  0x00, 0x01, 'p'})},
        {"CONNECT 3.1 (MQIsdp)", mqtt31_connect(), kV31,
         bytes({0x10, 0x10, 0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p', 0x03, 0x02, 0x00, 0x3C, 0x00,
                0x02, 'c', '1'})},
        {"CONNECT 3.1.1 with retained QoS 2 will and empty will payload", retained_will, kV311,
         bytes({0x10, 0x13, 0x00, 0x04, 'M', 'Q',  'T',  'T', 0x04, 0x34, 0x00,
                0x3C, 0x00, 0x02, 'c',  '1', 0x00, 0x01, 't', 0x00, 0x00})},
        {"CONNECT 5.0 has empty property sections", v5_connect, kV5,
         bytes({0x10, 0x0F, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x3C, 0x00, 0x00,
                0x02, 'c', '1'})},
        {"CONNACK session present", Connack{true, ReasonCode::Success}, kV311,
         bytes({0x20, 0x02, 0x01, 0x00})},
        {"CONNACK not authorized", Connack{false, ReasonCode::NotAuthorized}, kV311,
         bytes({0x20, 0x02, 0x00, 0x05})},
        {"CONNACK bad user name or password", Connack{false, ReasonCode::BadUserNameOrPassword},
         kV311, bytes({0x20, 0x02, 0x00, 0x04})},
        {"CONNACK unacceptable protocol version",
         Connack{false, ReasonCode::UnsupportedProtocolVersion}, kV311,
         bytes({0x20, 0x02, 0x00, 0x01})},
        {"CONNACK identifier rejected", Connack{false, ReasonCode::ClientIdentifierNotValid}, kV311,
         bytes({0x20, 0x02, 0x00, 0x02})},
        {"CONNACK server unavailable", Connack{false, ReasonCode::ServerUnavailable}, kV311,
         bytes({0x20, 0x02, 0x00, 0x03})},
        {"CONNACK server busy maps to 3", Connack{false, ReasonCode::ServerBusy}, kV311,
         bytes({0x20, 0x02, 0x00, 0x03}), false},
        {"CONNACK server shutting down maps to 3", Connack{false, ReasonCode::ServerShuttingDown},
         kV311, bytes({0x20, 0x02, 0x00, 0x03}), false},
        {"CONNACK other errors map to 3", Connack{false, ReasonCode::Banned}, kV311,
         bytes({0x20, 0x02, 0x00, 0x03}), false},
        {"CONNACK never sets session present with an error",
         Connack{true, ReasonCode::NotAuthorized}, kV311, bytes({0x20, 0x02, 0x00, 0x05}), false},
        {"CONNACK 3.1 has no session present flag", Connack{true, ReasonCode::Success}, kV31,
         bytes({0x20, 0x02, 0x00, 0x00}), false},
        {"CONNACK 5.0 carries the reason code and empty properties",
         Connack{false, ReasonCode::NotAuthorized}, kV5, bytes({0x20, 0x03, 0x00, 0x87, 0x00})},
        {"PUBLISH QoS 1 retained duplicate", publish_qos1(), kV311,
         bytes({0x3B, 0x09, 0x00, 0x03, 'a', '/', 'b', 0x00, 0x0A, 'h', 'i'})},
        {"PUBLISH QoS 0 with empty payload", Publish{"t", "", QoS::AtMostOnce, false, false, 0},
         kV311, bytes({0x30, 0x03, 0x00, 0x01, 't'})},
        {"PUBLISH QoS 2", Publish{"t", "x", QoS::ExactlyOnce, false, false, 0x1234}, kV31,
         bytes({0x34, 0x06, 0x00, 0x01, 't', 0x12, 0x34, 'x'})},
        {"PUBLISH QoS 0 never writes DUP or a packet id",
         Publish{"t", "x", QoS::AtMostOnce, false, true, 9}, kV311,
         bytes({0x30, 0x04, 0x00, 0x01, 't', 'x'}), false},
        {"PUBLISH 5.0 has an empty property section",
         Publish{"t", "x", QoS::AtMostOnce, false, false, 0}, kV5,
         bytes({0x30, 0x05, 0x00, 0x01, 't', 0x00, 'x'})},
        {"PUBACK", Puback{0x1234, ReasonCode::Success}, kV311, bytes({0x40, 0x02, 0x12, 0x34})},
        {"PUBREC", Pubrec{0x0102, ReasonCode::Success}, kV311, bytes({0x50, 0x02, 0x01, 0x02})},
        {"PUBREL has flags 0010", Pubrel{0xFFFF, ReasonCode::Success}, kV31,
         bytes({0x62, 0x02, 0xFF, 0xFF})},
        {"PUBCOMP", Pubcomp{1, ReasonCode::Success}, kV311, bytes({0x70, 0x02, 0x00, 0x01})},
        {"PUBACK 3.1.1 drops the reason code", Puback{1, ReasonCode::NoMatchingSubscribers}, kV311,
         bytes({0x40, 0x02, 0x00, 0x01}), false},
        {"PUBACK 5.0 carries a non-success reason code",
         Puback{1, ReasonCode::NoMatchingSubscribers}, kV5, bytes({0x40, 0x03, 0x00, 0x01, 0x10})},
        {"SUBSCRIBE with two filters",
         Subscribe{1, {{"a/b", QoS::AtLeastOnce}, {"c/#", QoS::ExactlyOnce}}}, kV311,
         bytes({0x82, 0x0E, 0x00, 0x01, 0x00, 0x03, 'a', '/', 'b', 0x01, 0x00, 0x03, 'c', '/', '#',
                0x02})},
        {"SUBACK with a failure code",
         Suback{1,
                {ReasonCode::GrantedQoS1, ReasonCode::UnspecifiedError, ReasonCode::Success,
                 ReasonCode::GrantedQoS2}},
         kV311, bytes({0x90, 0x06, 0x00, 0x01, 0x01, 0x80, 0x00, 0x02})},
        {"SUBACK sends every error as 0x80",
         Suback{7, {ReasonCode::NotAuthorized, ReasonCode::TopicFilterInvalid}}, kV311,
         bytes({0x90, 0x04, 0x00, 0x07, 0x80, 0x80}), false},
        {"UNSUBSCRIBE with two filters", Unsubscribe{2, {"a/b", "c"}}, kV311,
         bytes({0xA2, 0x0A, 0x00, 0x02, 0x00, 0x03, 'a', '/', 'b', 0x00, 0x01, 'c'})},
        {"UNSUBACK", Unsuback{2, {}}, kV311, bytes({0xB0, 0x02, 0x00, 0x02})},
        {"UNSUBACK 3.1.1 ignores reason codes", Unsuback{2, {ReasonCode::Success}}, kV311,
         bytes({0xB0, 0x02, 0x00, 0x02}), false},
        {"PINGREQ", Pingreq{}, kV311, bytes({0xC0, 0x00})},
        {"PINGRESP", Pingresp{}, kV31, bytes({0xD0, 0x00})},
        {"DISCONNECT", Disconnect{}, kV311, bytes({0xE0, 0x00})},
        {"DISCONNECT 3.1.1 drops the reason code", Disconnect{ReasonCode::SessionTakenOver}, kV311,
         bytes({0xE0, 0x00}), false},
        {"DISCONNECT 5.0 with a reason code", Disconnect{ReasonCode::SessionTakenOver}, kV5,
         bytes({0xE0, 0x01, 0x8E})},
    };
}

TEST_CASE("encode produces the hand-written wire bytes of every packet type", "[unit]") {
    for (const WireCase& c : wire_cases()) {
        INFO(c.name);
        CHECK(test::encoded(c.packet, c.version) == c.wire);
    }
}

TEST_CASE("decode_packet turns hand-written wire bytes into the expected packet", "[unit]") {
    for (const WireCase& c : wire_cases()) {
        if (!c.decodes_back) continue;
        INFO(c.name);
        const DecodeResult decoded = decode_packet(c.wire, c.version);
        INFO(test::error_message(decoded));
        REQUIRE(std::holds_alternative<Packet>(decoded));
        CHECK(std::get<Packet>(decoded) == c.packet);
        CHECK(packet_type(std::get<Packet>(decoded)) == static_cast<PacketType>(c.wire[0] >> 4U));
    }
}

TEST_CASE("decoding CONNACK return codes maps them onto reason codes", "[unit]") {
    const std::pair<int, ReasonCode> table[] = {
        {0, ReasonCode::Success},
        {1, ReasonCode::UnsupportedProtocolVersion},
        {2, ReasonCode::ClientIdentifierNotValid},
        {3, ReasonCode::ServerUnavailable},
        {4, ReasonCode::BadUserNameOrPassword},
        {5, ReasonCode::NotAuthorized},
    };
    for (const auto& [code, reason] : table) {
        const DecodeResult decoded = decode_packet(bytes({0x20, 0x02, 0x00, code}), kV311);
        REQUIRE(std::holds_alternative<Packet>(decoded));
        CHECK(std::get<Connack>(std::get<Packet>(decoded)).reason == reason);
    }
    const DecodeResult unknown = decode_packet(bytes({0x20, 0x02, 0x00, 0x06}), kV311);
    REQUIRE(test::is_error(unknown));
    CHECK(test::error_reason(unknown) == ReasonCode::MalformedPacket);
}

TEST_CASE("CONNACK 3.1 ignores the reserved first byte, 3.1.1 rejects its reserved bits",
          "[unit]") {
    const DecodeResult v31 = decode_packet(bytes({0x20, 0x02, 0x01, 0x00}), kV31);
    REQUIRE(std::holds_alternative<Packet>(v31));
    CHECK_FALSE(std::get<Connack>(std::get<Packet>(v31)).session_present);

    const DecodeResult reserved = decode_packet(bytes({0x20, 0x02, 0x02, 0x00}), kV311);
    REQUIRE(test::is_error(reserved));
    CHECK(test::error_reason(reserved) == ReasonCode::MalformedPacket);

    const DecodeResult present_with_error = decode_packet(bytes({0x20, 0x02, 0x01, 0x05}), kV311);
    REQUIRE(test::is_error(present_with_error));
    CHECK(test::error_reason(present_with_error) == ReasonCode::ProtocolError);
}

TEST_CASE("encode appends to the output without touching what is already there", "[unit]") {
    Bytes out = bytes({0xAA, 0xBB});
    encode(Pingreq{}, kV311, out);
    encode(Puback{5, ReasonCode::Success}, kV311, out);
    CHECK(out == bytes({0xAA, 0xBB, 0xC0, 0x00, 0x40, 0x02, 0x00, 0x05}));
}

TEST_CASE("packet_type names the control packet of every alternative", "[unit]") {
    CHECK(packet_type(Connect{}) == PacketType::Connect);
    CHECK(packet_type(Connack{}) == PacketType::Connack);
    CHECK(packet_type(Publish{}) == PacketType::Publish);
    CHECK(packet_type(Puback{}) == PacketType::Puback);
    CHECK(packet_type(Pubrec{}) == PacketType::Pubrec);
    CHECK(packet_type(Pubrel{}) == PacketType::Pubrel);
    CHECK(packet_type(Pubcomp{}) == PacketType::Pubcomp);
    CHECK(packet_type(Subscribe{}) == PacketType::Subscribe);
    CHECK(packet_type(Suback{}) == PacketType::Suback);
    CHECK(packet_type(Unsubscribe{}) == PacketType::Unsubscribe);
    CHECK(packet_type(Unsuback{}) == PacketType::Unsuback);
    CHECK(packet_type(Pingreq{}) == PacketType::Pingreq);
    CHECK(packet_type(Pingresp{}) == PacketType::Pingresp);
    CHECK(packet_type(Disconnect{}) == PacketType::Disconnect);
    CHECK(packet_type(Auth{}) == PacketType::Auth);
}

TEST_CASE("packet_name gives the spec's upper-case packet names", "[unit]") {
    CHECK(packet_name(PacketType::Connect) == "CONNECT");
    CHECK(packet_name(PacketType::Connack) == "CONNACK");
    CHECK(packet_name(PacketType::Publish) == "PUBLISH");
    CHECK(packet_name(PacketType::Puback) == "PUBACK");
    CHECK(packet_name(PacketType::Pubrec) == "PUBREC");
    CHECK(packet_name(PacketType::Pubrel) == "PUBREL");
    CHECK(packet_name(PacketType::Pubcomp) == "PUBCOMP");
    CHECK(packet_name(PacketType::Subscribe) == "SUBSCRIBE");
    CHECK(packet_name(PacketType::Suback) == "SUBACK");
    CHECK(packet_name(PacketType::Unsubscribe) == "UNSUBSCRIBE");
    CHECK(packet_name(PacketType::Unsuback) == "UNSUBACK");
    CHECK(packet_name(PacketType::Pingreq) == "PINGREQ");
    CHECK(packet_name(PacketType::Pingresp) == "PINGRESP");
    CHECK(packet_name(PacketType::Disconnect) == "DISCONNECT");
    CHECK(packet_name(PacketType::Auth) == "AUTH");
}

TEST_CASE("reason_name gives the spec's names", "[unit]") {
    CHECK(reason_name(ReasonCode::Success) == "Success");
    CHECK(reason_name(ReasonCode::MalformedPacket) == "Malformed Packet");
    CHECK(reason_name(ReasonCode::PacketTooLarge) == "Packet too large");
    CHECK(reason_name(ReasonCode::TopicNameInvalid) == "Topic Name invalid");
    CHECK(reason_name(static_cast<ReasonCode>(0x7F)) == "Unknown reason code");
    CHECK(is_error(ReasonCode::UnspecifiedError));
    CHECK_FALSE(is_error(ReasonCode::GrantedQoS2));
}

}  // namespace
}  // namespace wg::codec
