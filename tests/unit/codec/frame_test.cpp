// Remaining-length varints and read_frame_header(): boundaries, partial
// reads, size limits.

#include <catch2/catch.hpp>
#include <limits>

#include "test_helpers.h"

namespace wg::codec {
namespace {

using test::Bytes;
using test::bytes;

constexpr std::uint32_t kNoLimit = std::numeric_limits<std::uint32_t>::max();

struct VarintCase {
    std::uint32_t value;
    Bytes wire;  // the varint bytes, spec table 2.4
};

const std::vector<VarintCase>& varint_cases() {
    static const std::vector<VarintCase> cases = {
        {0, bytes({0x00})},
        {127, bytes({0x7F})},
        {128, bytes({0x80, 0x01})},
        {16'383, bytes({0xFF, 0x7F})},
        {16'384, bytes({0x80, 0x80, 0x01})},
        {2'097'151, bytes({0xFF, 0xFF, 0x7F})},
        {2'097'152, bytes({0x80, 0x80, 0x80, 0x01})},
        {268'435'455, bytes({0xFF, 0xFF, 0xFF, 0x7F})},
    };
    return cases;
}

TEST_CASE("varint_size matches the spec's byte-count boundaries", "[unit]") {
    for (const VarintCase& c : varint_cases()) {
        CAPTURE(c.value);
        CHECK(varint_size(c.value) == c.wire.size());
    }
    CHECK(kMaxRemainingLength == 268'435'455U);
}

TEST_CASE("read_frame_header decodes remaining lengths at every varint boundary", "[unit]") {
    for (const VarintCase& c : varint_cases()) {
        CAPTURE(c.value);
        Bytes header{0x30};
        header.insert(header.end(), c.wire.begin(), c.wire.end());
        const FrameResult result = read_frame_header(header, kNoLimit);
        REQUIRE(result.status == FrameStatus::Complete);
        CHECK(result.header.first_byte == 0x30);
        CHECK(result.header.remaining_length == c.value);
        CHECK(result.header.header_size == 1 + c.wire.size());
        CHECK(result.header.total_size() == 1 + c.wire.size() + c.value);
    }
}

TEST_CASE("encode writes the remaining length varint at the boundaries", "[unit]") {
    // A QoS 0 PUBLISH with topic "t" has remaining length 3 + payload size.
    for (const VarintCase& c : varint_cases()) {
        if (c.value < 3 || c.value > 2'097'152) continue;  // keep the test's memory small
        CAPTURE(c.value);
        Publish publish;
        publish.topic = "t";
        publish.payload.assign(c.value - 3, 'x');
        const Bytes out = test::encoded(publish, ProtocolVersion::Mqtt311);
        REQUIRE(out.size() == 1 + c.wire.size() + c.value);
        CHECK(Bytes(out.begin() + 1,
                    out.begin() + 1 + static_cast<std::ptrdiff_t>(c.wire.size())) == c.wire);
        const DecodeResult decoded = decode_packet(out, ProtocolVersion::Mqtt311);
        REQUIRE(std::holds_alternative<Packet>(decoded));
        CHECK(std::get<Publish>(std::get<Packet>(decoded)) == publish);
    }
}

TEST_CASE("a remaining length needing a fifth byte is malformed", "[unit]") {
    const Bytes header = bytes({0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F});
    const FrameResult result = read_frame_header(header, kNoLimit);
    REQUIRE(result.status == FrameStatus::Error);
    CHECK(result.error.reason == ReasonCode::MalformedPacket);

    // Known malformed as soon as the fourth byte still says "continue".
    const FrameResult early = read_frame_header(bytes({0x30, 0x80, 0x80, 0x80, 0x80}), kNoLimit);
    REQUIRE(early.status == FrameStatus::Error);
    CHECK(early.error.reason == ReasonCode::MalformedPacket);

    const DecodeResult decoded = decode_packet(header, ProtocolVersion::Mqtt311);
    REQUIRE(test::is_error(decoded));
    CHECK(test::error_reason(decoded) == ReasonCode::MalformedPacket);
}

TEST_CASE("an unfinished varint is Incomplete", "[unit]") {
    CHECK(read_frame_header({}, kNoLimit).status == FrameStatus::Incomplete);
    CHECK(read_frame_header(bytes({0x30}), kNoLimit).status == FrameStatus::Incomplete);
    CHECK(read_frame_header(bytes({0x30, 0x80}), kNoLimit).status == FrameStatus::Incomplete);
    CHECK(read_frame_header(bytes({0x30, 0xFF, 0xFF}), kNoLimit).status == FrameStatus::Incomplete);
    CHECK(read_frame_header(bytes({0x30, 0xFF, 0xFF, 0xFF}), kNoLimit).status ==
          FrameStatus::Incomplete);
}

TEST_CASE("read_frame_header fed byte by byte is Incomplete until the header is whole", "[unit]") {
    Publish publish;
    publish.topic = "a/b";
    publish.payload.assign(200, 'p');  // remaining length 5 + 2 + 200 = 207: a two-byte varint
    publish.qos = QoS::AtLeastOnce;
    publish.packet_id = 7;
    const Bytes wire = test::encoded(publish, ProtocolVersion::Mqtt311);
    REQUIRE(wire.size() == 3 + 207);

    const std::span<const std::uint8_t> all(wire);
    for (std::size_t n = 0; n < 3; ++n) {
        CAPTURE(n);
        CHECK(read_frame_header(all.first(n), kNoLimit).status == FrameStatus::Incomplete);
    }
    for (std::size_t n = 3; n <= wire.size(); ++n) {
        CAPTURE(n);
        const FrameResult result = read_frame_header(all.first(n), kNoLimit);
        REQUIRE(result.status == FrameStatus::Complete);
        CHECK(result.header.header_size == 3);
        CHECK(result.header.remaining_length == 207);
        CHECK(result.header.total_size() == wire.size());
    }
    const DecodeResult decoded = decode_packet(wire, ProtocolVersion::Mqtt311);
    REQUIRE(std::holds_alternative<Packet>(decoded));
    CHECK(std::get<Publish>(std::get<Packet>(decoded)) == publish);
}

TEST_CASE("a packet over max_packet_size is PacketTooLarge before its body arrives", "[unit]") {
    // Remaining length 16384 + 4 header bytes = 16388 total.
    const Bytes header = bytes({0x30, 0x80, 0x80, 0x01});
    const FrameResult too_big = read_frame_header(header, 16'387);
    REQUIRE(too_big.status == FrameStatus::Error);
    CHECK(too_big.error.reason == ReasonCode::PacketTooLarge);
    CHECK(too_big.header.total_size() == 16'388);
    CHECK_THAT(too_big.error.message, Catch::Contains("16388") && Catch::Contains("16387"));

    CHECK(read_frame_header(header, 16'388).status == FrameStatus::Complete);
    CHECK(read_frame_header(bytes({0xC0, 0x00}), 1).status == FrameStatus::Error);
    CHECK(read_frame_header(bytes({0xC0, 0x00}), 2).status == FrameStatus::Complete);
}

TEST_CASE("packet type 0 is malformed from the first byte", "[unit]") {
    for (const int first : {0x00, 0x0F}) {
        const FrameResult result = read_frame_header(bytes({first}), kNoLimit);
        REQUIRE(result.status == FrameStatus::Error);
        CHECK(result.error.reason == ReasonCode::MalformedPacket);
        const DecodeResult decoded = decode_packet(bytes({first, 0x00}), ProtocolVersion::Mqtt311);
        REQUIRE(test::is_error(decoded));
        CHECK(test::error_reason(decoded) == ReasonCode::MalformedPacket);
    }
}

TEST_CASE("AUTH is rejected outside MQTT 5.0", "[unit]") {
    for (const ProtocolVersion version : {ProtocolVersion::Mqtt31, ProtocolVersion::Mqtt311}) {
        const DecodeResult decoded = decode_packet(bytes({0xF0, 0x00}), version);
        REQUIRE(test::is_error(decoded));
        CHECK(test::error_reason(decoded) == ReasonCode::MalformedPacket);
    }
}

TEST_CASE("decode_packet rejects a frame whose size disagrees with its header", "[unit]") {
    const DecodeResult short_frame =
        decode_packet(bytes({0x40, 0x02, 0x00}), ProtocolVersion::Mqtt311);
    REQUIRE(test::is_error(short_frame));
    CHECK(test::error_reason(short_frame) == ReasonCode::MalformedPacket);

    const DecodeResult long_frame =
        decode_packet(bytes({0x40, 0x02, 0x00, 0x01, 0x00}), ProtocolVersion::Mqtt311);
    REQUIRE(test::is_error(long_frame));
    CHECK(test::error_reason(long_frame) == ReasonCode::MalformedPacket);

    for (const Bytes& partial : {Bytes{}, bytes({0x40}), bytes({0x30, 0x80})}) {
        const DecodeResult decoded = decode_packet(partial, ProtocolVersion::Mqtt311);
        REQUIRE(test::is_error(decoded));
        CHECK(test::error_reason(decoded) == ReasonCode::MalformedPacket);
    }
}

TEST_CASE("MQTT 5.0 decodes the short form of PUBACK", "[unit]") {
    const DecodeResult decoded =
        decode_packet(bytes({0x40, 0x02, 0x00, 0x01}), ProtocolVersion::Mqtt5);
    INFO(test::error_message(decoded));
    REQUIRE(std::holds_alternative<Packet>(decoded));
    CHECK(std::get<Packet>(decoded) == Packet{Puback{1, ReasonCode::Success, {}}});
}

}  // namespace
}  // namespace wg::codec
