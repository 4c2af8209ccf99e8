// MQTT 5.0: encode() followed by decode_packet() gives back the original
// packet, properties included; short and long forms; what 3.x drops.

#include <catch2/catch.hpp>
#include <limits>

#include "test_helpers.h"
#include "v5_fixtures.h"

namespace wg::codec {
namespace {

using test::Bytes;

constexpr auto kV5 = ProtocolVersion::Mqtt5;

Packet round_trip(const Packet& packet, ProtocolVersion version = kV5) {
    const Bytes wire = test::encoded(packet, version);
    const FrameResult header = read_frame_header(wire, std::numeric_limits<std::uint32_t>::max());
    REQUIRE(header.status == FrameStatus::Complete);
    REQUIRE(header.header.total_size() == wire.size());
    const DecodeResult decoded = decode_packet(wire, version);
    INFO(test::error_message(decoded));
    REQUIRE(std::holds_alternative<Packet>(decoded));
    return std::get<Packet>(decoded);
}

TEST_CASE("every MQTT 5.0 packet round trips with every property it allows", "[unit]") {
    for (const Packet& packet : test::v5_kitchen_sink()) {
        CAPTURE(packet_name(packet_type(packet)));
        CHECK(round_trip(packet) == packet);
    }
}

TEST_CASE("MQTT 5.0 encode drops the properties a packet does not allow", "[unit]") {
    const std::vector<Packet> overloaded =
        test::v5_packets([](PacketType) { return test::every_property(); });
    const std::vector<Packet> expected = test::v5_kitchen_sink();
    REQUIRE(overloaded.size() == expected.size());
    for (std::size_t i = 0; i < overloaded.size(); ++i) {
        CAPTURE(packet_name(packet_type(overloaded[i])));
        CHECK(round_trip(overloaded[i]) == expected[i]);
    }
}

TEST_CASE("MQTT 5.0 user properties keep their order and repeated names", "[unit]") {
    Publish publish{"t", "", QoS::AtMostOnce, false, false, 0, {}};
    publish.properties.user_properties = {{"b", "1"}, {"a", "2"}, {"b", "3"}, {"b", "1"}};
    const Publish decoded = std::get<Publish>(round_trip(publish));
    CHECK(decoded.properties.user_properties == publish.properties.user_properties);
}

TEST_CASE("MQTT 5.0 PUBLISH carries several subscription identifiers", "[unit]") {
    Publish publish{"t", "x", QoS::ExactlyOnce, false, false, 5, {}};
    publish.properties.subscription_identifiers = {1, 127, 128, 16'384, 268'435'455, 1};
    CHECK(round_trip(publish) == Packet{publish});
}

TEST_CASE("MQTT 5.0 CONNECT round trips with will properties and flag variations", "[unit]") {
    Connect connect;
    connect.version = kV5;
    connect.client_id = "c";
    CHECK(round_trip(connect) == Packet{connect});  // empty property sections

    connect.will = Will{"w", "", QoS::AtMostOnce, false, {}};
    connect.will->properties.will_delay_interval = 0;
    connect.will->properties.payload_format_indicator = 1;  // empty payload is valid UTF-8
    CHECK(round_trip(connect) == Packet{connect});

    Connect password_only;  // 5.0 allows a password without a user name (3.1.2.9)
    password_only.version = kV5;
    password_only.password = "secret";
    password_only.clean_session = false;
    CHECK(round_trip(password_only) == Packet{password_only});

    Connect will_utf8_nul = connect;  // U+0000 is well-formed UTF-8 character data
    will_utf8_nul.will->payload = std::string("a\0b", 3);
    CHECK(round_trip(will_utf8_nul) == Packet{will_utf8_nul});
}

TEST_CASE("MQTT 5.0 acks round trip in their short and long forms", "[unit]") {
    Properties with_string;
    with_string.reason_string = "r";
    struct Form {
        ReasonCode reason;
        Properties properties;
        std::size_t wire_size;
    };
    const Form forms[] = {
        {ReasonCode::Success, {}, 4},                  // packet id only
        {ReasonCode::PacketIdentifierNotFound, {}, 5},  // + reason code
        {ReasonCode::Success, with_string, 10},         // + reason, property length, 4 bytes
        {ReasonCode::PacketIdentifierNotFound, test::ack_properties(), 0},
    };
    for (const Form& form : forms) {
        CAPTURE(reason_name(form.reason));
        const bool pub_ack = form.reason == ReasonCode::Success;  // 0x92 is PUBREL/PUBCOMP only
        const std::vector<Packet> packets = {
            Pubrel{7, form.reason, form.properties},
            Pubcomp{7, form.reason, form.properties},
        };
        std::vector<Packet> all = packets;
        if (pub_ack) {
            all.push_back(Puback{7, form.reason, form.properties});
            all.push_back(Pubrec{7, form.reason, form.properties});
        }
        for (const Packet& packet : all) {
            if (form.wire_size != 0) CHECK(test::encoded(packet, kV5).size() == form.wire_size);
            CHECK(round_trip(packet) == packet);
        }
    }
}

TEST_CASE("MQTT 5.0 DISCONNECT and AUTH round trip in their short and long forms", "[unit]") {
    Properties with_string;
    with_string.reason_string = "r";
    CHECK(test::encoded(Disconnect{}, kV5).size() == 2);
    CHECK(test::encoded(Disconnect{ReasonCode::DisconnectWithWillMessage, {}}, kV5).size() == 3);
    CHECK(test::encoded(Disconnect{ReasonCode::Success, with_string}, kV5).size() == 8);
    CHECK(test::encoded(Auth{}, kV5).size() == 2);
    CHECK(test::encoded(Auth{ReasonCode::ReAuthenticate, {}}, kV5).size() == 3);
    CHECK(test::encoded(Auth{ReasonCode::Success, with_string}, kV5).size() == 8);

    const std::vector<Packet> packets = {
        Disconnect{},
        Disconnect{ReasonCode::DisconnectWithWillMessage, {}},
        Disconnect{ReasonCode::Success, with_string},
        Disconnect{ReasonCode::SessionTakenOver, test::disconnect_properties()},
        Auth{},
        Auth{ReasonCode::ReAuthenticate, {}},
        Auth{ReasonCode::Success, with_string},
        Auth{ReasonCode::ContinueAuthentication, test::auth_properties()},
    };
    for (const Packet& packet : packets) CHECK(round_trip(packet) == packet);
}

TEST_CASE("MQTT 5.0 reason codes round trip on every packet that allows them", "[unit]") {
    const std::vector<int> connack = {0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86,
                                      0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90, 0x95, 0x97,
                                      0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F};
    const std::vector<int> puback = {0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99};
    const std::vector<int> suback = {0x00, 0x01, 0x02, 0x80, 0x83, 0x87,
                                     0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2};
    const std::vector<int> unsuback = {0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91};
    const std::vector<int> disconnect = {0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89,
                                         0x8B, 0x8D, 0x8E, 0x8F, 0x90, 0x93, 0x94, 0x95,
                                         0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D,
                                         0x9E, 0x9F, 0xA0, 0xA1, 0xA2};
    const auto code = [](int value) { return static_cast<ReasonCode>(value); };
    for (const int c : connack) {
        CHECK(round_trip(Connack{false, code(c), {}}) == Packet{Connack{false, code(c), {}}});
    }
    for (const int c : puback) {
        CHECK(round_trip(Puback{1, code(c), {}}) == Packet{Puback{1, code(c), {}}});
        CHECK(round_trip(Pubrec{1, code(c), {}}) == Packet{Pubrec{1, code(c), {}}});
    }
    for (const int c : {0x00, 0x92}) {
        CHECK(round_trip(Pubrel{1, code(c), {}}) == Packet{Pubrel{1, code(c), {}}});
        CHECK(round_trip(Pubcomp{1, code(c), {}}) == Packet{Pubcomp{1, code(c), {}}});
    }
    Suback all_suback{1, {}, {}};
    for (const int c : suback) all_suback.reasons.push_back(code(c));
    CHECK(round_trip(all_suback) == Packet{all_suback});
    Unsuback all_unsuback{1, {}, {}};
    for (const int c : unsuback) all_unsuback.reasons.push_back(code(c));
    CHECK(round_trip(all_unsuback) == Packet{all_unsuback});
    for (const int c : disconnect) {
        CHECK(round_trip(Disconnect{code(c), {}}) == Packet{Disconnect{code(c), {}}});
    }
}

TEST_CASE("MQTT 5.0 subscription options round trip in every combination", "[unit]") {
    Subscribe subscribe{1, {}, {}};
    for (const QoS qos : {QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce}) {
        for (const bool no_local : {false, true}) {
            for (const bool as_published : {false, true}) {
                for (const int handling : {0, 1, 2}) {
                    subscribe.subscriptions.push_back(
                        {"t/" + std::to_string(subscribe.subscriptions.size()), qos, no_local,
                         as_published, static_cast<std::uint8_t>(handling)});
                }
            }
        }
    }
    // A shared subscription is fine without No Local.
    subscribe.subscriptions.push_back({"$share/g/t", QoS::AtLeastOnce, false, true, 2});
    CHECK(round_trip(subscribe) == Packet{subscribe});
}

// What the same packet looks like with everything 3.x cannot carry removed.
Packet without_v5_fields(Packet packet) {
    std::visit(
        [](auto& p) {
            using T = std::decay_t<decltype(p)>;
            if constexpr (!std::is_same_v<T, Pingreq> && !std::is_same_v<T, Pingresp>) {
                p.properties = {};
            }
            if constexpr (std::is_same_v<T, Connect>) {
                if (p.will) p.will->properties = {};
            }
            if constexpr (std::is_same_v<T, Subscribe>) {
                for (TopicSubscription& s : p.subscriptions) s = {s.filter, s.qos, false, false, 0};
            }
        },
        packet);
    return packet;
}

TEST_CASE("MQTT 3.1.1 encoding drops properties and subscription options", "[unit]") {
    for (const Packet& packet : test::v5_kitchen_sink()) {
        CAPTURE(packet_name(packet_type(packet)));
        const Bytes v3 = test::encoded(packet, ProtocolVersion::Mqtt311);
        if (packet_type(packet) == PacketType::Auth) {
            CHECK(v3.empty());  // no AUTH packet in 3.1.1: nothing is written
            continue;
        }
        CHECK(v3 == test::encoded(without_v5_fields(packet), ProtocolVersion::Mqtt311));
        CHECK(std::holds_alternative<Packet>(decode_packet(v3, ProtocolVersion::Mqtt311)));
    }
}

TEST_CASE("a stream of MQTT 5.0 packets splits and decodes packet by packet", "[unit]") {
    const std::vector<Packet> packets = test::v5_kitchen_sink();
    Bytes stream;
    for (const Packet& packet : packets) encode(packet, kV5, stream);

    std::span<const std::uint8_t> rest(stream);
    std::vector<Packet> decoded;
    while (!rest.empty()) {
        const FrameResult header = read_frame_header(rest, 1'000'000);
        REQUIRE(header.status == FrameStatus::Complete);
        const DecodeResult result = decode_packet(rest.first(header.header.total_size()), kV5);
        REQUIRE(std::holds_alternative<Packet>(result));
        decoded.push_back(std::get<Packet>(result));
        rest = rest.subspan(header.header.total_size());
    }
    CHECK(decoded == packets);
}

}  // namespace
}  // namespace wg::codec
