// encode() followed by decode_packet() gives back the original packet, for
// MQTT 3.1 and 3.1.1 (MQTT 5.0: v5_round_trip_test.cpp).

#include <catch2/catch.hpp>
#include <limits>

#include "test_helpers.h"

namespace wg::codec {
namespace {

using test::Bytes;

Packet round_trip(const Packet& packet, ProtocolVersion version) {
    const Bytes wire = test::encoded(packet, version);
    const FrameResult header = read_frame_header(wire, std::numeric_limits<std::uint32_t>::max());
    REQUIRE(header.status == FrameStatus::Complete);
    REQUIRE(header.header.total_size() == wire.size());
    const DecodeResult decoded = decode_packet(wire, version);
    INFO(test::error_message(decoded));
    REQUIRE(std::holds_alternative<Packet>(decoded));
    return std::get<Packet>(decoded);
}

Connect connect_for(ProtocolVersion version) {
    Connect connect;
    connect.version = version;
    connect.protocol_name = version == ProtocolVersion::Mqtt31 ? "MQIsdp" : "MQTT";
    connect.client_id = "client-1";
    connect.keep_alive = 30;
    return connect;
}

TEST_CASE("CONNECT round trips with and without will, user name and password", "[unit]") {
    const ProtocolVersion version = GENERATE(ProtocolVersion::Mqtt31, ProtocolVersion::Mqtt311);
    CAPTURE(static_cast<int>(version));

    Connect plain = connect_for(version);
    CHECK(round_trip(plain, version) == Packet{plain});

    Connect empty_id = connect_for(version);
    empty_id.client_id.clear();
    empty_id.clean_session = false;
    empty_id.keep_alive = 0xFFFF;
    CHECK(round_trip(empty_id, version) == Packet{empty_id});

    Connect full = connect_for(version);
    full.will = Will{"status/client-1", std::string("off\0line", 8), QoS::ExactlyOnce, true};
    full.username = "us\xC3\xA9r";  // "usér"
    full.password = std::string("\x00\xFFpw", 4);
    CHECK(round_trip(full, version) == Packet{full});

    Connect empty_will = connect_for(version);
    empty_will.will = Will{"w", "", QoS::AtMostOnce, false};
    CHECK(round_trip(empty_will, version) == Packet{empty_will});

    Connect user_only = connect_for(version);
    user_only.username = "";
    CHECK(round_trip(user_only, version) == Packet{user_only});

    Connect user_and_empty_password = connect_for(version);
    user_and_empty_password.username = "u";
    user_and_empty_password.password = "";
    user_and_empty_password.will = Will{"a/b", "x", QoS::AtLeastOnce, false};
    CHECK(round_trip(user_and_empty_password, version) == Packet{user_and_empty_password});
}

TEST_CASE("CONNACK round trips every return code", "[unit]") {
    const ReasonCode reasons[] = {ReasonCode::Success,
                                  ReasonCode::UnsupportedProtocolVersion,
                                  ReasonCode::ClientIdentifierNotValid,
                                  ReasonCode::ServerUnavailable,
                                  ReasonCode::BadUserNameOrPassword,
                                  ReasonCode::NotAuthorized};
    for (const ReasonCode reason : reasons) {
        for (const ProtocolVersion version : {ProtocolVersion::Mqtt31, ProtocolVersion::Mqtt311}) {
            const Connack connack{false, reason};
            CHECK(round_trip(connack, version) == Packet{connack});
        }
    }
    const Connack present{true, ReasonCode::Success};
    CHECK(round_trip(present, ProtocolVersion::Mqtt311) == Packet{present});
}

TEST_CASE("PUBLISH round trips at QoS 0, 1 and 2 with retain and dup", "[unit]") {
    const ProtocolVersion version = GENERATE(ProtocolVersion::Mqtt31, ProtocolVersion::Mqtt311);
    const QoS qos = GENERATE(QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce);
    const bool retain = GENERATE(false, true);
    const bool dup = GENERATE(false, true);
    if (dup && qos == QoS::AtMostOnce) return;  // not allowed on the wire
    CAPTURE(static_cast<int>(version), static_cast<int>(qos), retain, dup);

    Publish publish;
    publish.topic = "sensors/\xE6\xB8\xA9\xE5\xBA\xA6/1";  // multi-byte UTF-8 level
    publish.payload = std::string("\x00\x01\x02 binary \xFF", 13);
    publish.qos = qos;
    publish.retain = retain;
    publish.dup = dup;
    publish.packet_id = qos == QoS::AtMostOnce ? 0 : 65'535;
    CHECK(round_trip(publish, version) == Packet{publish});

    publish.payload.clear();
    CHECK(round_trip(publish, version) == Packet{publish});

    publish.payload.assign(70'000, 'z');  // three-byte remaining length
    CHECK(round_trip(publish, version) == Packet{publish});
}

TEST_CASE("PUBACK, PUBREC, PUBREL, PUBCOMP and UNSUBACK round trip", "[unit]") {
    const ProtocolVersion version = GENERATE(ProtocolVersion::Mqtt31, ProtocolVersion::Mqtt311);
    for (const std::uint16_t id :
         {std::uint16_t{1}, std::uint16_t{0x00FF}, std::uint16_t{0xFFFF}}) {
        CHECK(round_trip(Puback{id, ReasonCode::Success}, version) ==
              Packet{Puback{id, ReasonCode::Success}});
        CHECK(round_trip(Pubrec{id, ReasonCode::Success}, version) ==
              Packet{Pubrec{id, ReasonCode::Success}});
        CHECK(round_trip(Pubrel{id, ReasonCode::Success}, version) ==
              Packet{Pubrel{id, ReasonCode::Success}});
        CHECK(round_trip(Pubcomp{id, ReasonCode::Success}, version) ==
              Packet{Pubcomp{id, ReasonCode::Success}});
        CHECK(round_trip(Unsuback{id, {}}, version) == Packet{Unsuback{id, {}}});
    }
}

TEST_CASE("SUBSCRIBE and SUBACK round trip with several filters and a failure", "[unit]") {
    const ProtocolVersion version = GENERATE(ProtocolVersion::Mqtt31, ProtocolVersion::Mqtt311);

    const Subscribe subscribe{42,
                              {{"a/b", QoS::AtMostOnce},
                               {"sport/+/player1", QoS::AtLeastOnce},
                               {"#", QoS::ExactlyOnce},
                               {"not a valid filter#", QoS::AtMostOnce}}};  // codec does not judge
    CHECK(round_trip(subscribe, version) == Packet{subscribe});

    const Suback suback{42,
                        {ReasonCode::Success, ReasonCode::GrantedQoS1, ReasonCode::GrantedQoS2,
                         ReasonCode::UnspecifiedError}};
    CHECK(round_trip(suback, version) == Packet{suback});

    const Unsubscribe unsubscribe{43, {"a/b", "sport/+/player1", "#", "\xC3\xA9"}};
    CHECK(round_trip(unsubscribe, version) == Packet{unsubscribe});
}

TEST_CASE("PINGREQ, PINGRESP and DISCONNECT round trip", "[unit]") {
    const ProtocolVersion version = GENERATE(ProtocolVersion::Mqtt31, ProtocolVersion::Mqtt311);
    CHECK(round_trip(Pingreq{}, version) == Packet{Pingreq{}});
    CHECK(round_trip(Pingresp{}, version) == Packet{Pingresp{}});
    CHECK(round_trip(Disconnect{}, version) == Packet{Disconnect{}});
}

TEST_CASE("a stream of concatenated packets splits and decodes packet by packet", "[unit]") {
    const ProtocolVersion version = ProtocolVersion::Mqtt311;
    const std::vector<Packet> packets = {
        connect_for(version),
        Publish{"a", std::string(300, 'p'), QoS::AtLeastOnce, false, false, 1},
        Subscribe{2, {{"a/#", QoS::ExactlyOnce}}},
        Pingreq{},
        Pubrel{3, ReasonCode::Success},
        Disconnect{},
    };
    Bytes stream;
    for (const Packet& packet : packets) encode(packet, version, stream);

    std::span<const std::uint8_t> rest(stream);
    std::vector<Packet> decoded;
    while (!rest.empty()) {
        const FrameResult header = read_frame_header(rest, 1'000);
        REQUIRE(header.status == FrameStatus::Complete);
        REQUIRE(rest.size() >= header.header.total_size());
        const DecodeResult result = decode_packet(rest.first(header.header.total_size()), version);
        REQUIRE(std::holds_alternative<Packet>(result));
        decoded.push_back(std::get<Packet>(result));
        rest = rest.subspan(header.header.total_size());
    }
    CHECK(decoded == packets);
}

}  // namespace
}  // namespace wg::codec
