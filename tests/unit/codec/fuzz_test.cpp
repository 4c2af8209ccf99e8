// Deterministic mutation "fuzz": valid packets are mutated, re-framed and
// truncated with a fixed-seed PRNG; decoding must never crash, read out of
// bounds or throw (run under ASan/UBSan), and whatever decodes must survive
// an encode/decode round trip unchanged.

#include <catch2/catch.hpp>
#include <cstring>
#include <memory>
#include <random>

#include "test_helpers.h"
#include "v5_fixtures.h"

namespace wg::codec {
namespace {

using test::Bytes;

constexpr int kIterations = 200'000;
constexpr std::uint32_t kSeed = 0x5EED'C0DE;

// MQTT 5.0 packets with every property each allows, plus short forms and a
// few single-property packets (so mutations hit each property's decoder).
std::vector<Bytes> v5_corpus() {
    std::vector<Bytes> corpus;
    for (const Packet& packet : test::v5_kitchen_sink()) {
        corpus.push_back(test::encoded(packet, ProtocolVersion::Mqtt5));
    }
    Publish alias{"", "\xC3\xA9", QoS::AtLeastOnce, false, false, 3, {}};
    alias.properties.topic_alias = 1;
    alias.properties.payload_format_indicator = 1;
    Properties reason;
    reason.reason_string = "r";
    const std::vector<Packet> small = {
        alias,
        Puback{1, ReasonCode::Success, {}},
        Pubrec{1, ReasonCode::QuotaExceeded, {}},
        Pubrel{1, ReasonCode::Success, reason},
        Disconnect{ReasonCode::DisconnectWithWillMessage, {}},
        Auth{ReasonCode::ReAuthenticate, {}},
        Auth{},
        Subscribe{1, {{"$share/g/t", QoS::AtLeastOnce, false, true, 2}}, {}},
    };
    for (const Packet& packet : small) {
        corpus.push_back(test::encoded(packet, ProtocolVersion::Mqtt5));
    }
    return corpus;
}

std::vector<Bytes> seed_corpus() {
    std::vector<Bytes> corpus;
    Connect connect;
    connect.client_id = "fuzz";
    connect.keep_alive = 5;
    connect.will = Will{"w/t", "bye", QoS::AtLeastOnce, true};
    connect.username = "user";
    connect.password = std::string("\x00pw", 3);
    Connect old = connect;
    old.protocol_name = "MQIsdp";
    old.version = ProtocolVersion::Mqtt31;
    old.will.reset();

    const std::vector<Packet> packets = {
        connect,
        old,
        Connack{true, ReasonCode::Success},
        Connack{false, ReasonCode::NotAuthorized},
        Publish{"a/b/c", "payload", QoS::AtMostOnce, true, false, 0},
        Publish{"x", std::string(200, 'p'), QoS::AtLeastOnce, false, true, 7},
        Publish{"\xC3\xA9t\xC3\xA9", "", QoS::ExactlyOnce, false, false, 0xFFFF},
        Puback{1, ReasonCode::Success},
        Pubrec{2, ReasonCode::Success},
        Pubrel{3, ReasonCode::Success},
        Pubcomp{4, ReasonCode::Success},
        Subscribe{5, {{"a/+", QoS::AtLeastOnce}, {"#", QoS::ExactlyOnce}, {"b", QoS::AtMostOnce}}},
        Suback{5, {ReasonCode::GrantedQoS1, ReasonCode::UnspecifiedError, ReasonCode::Success}},
        Unsubscribe{6, {"a/+", "#"}},
        Unsuback{6, {}},
        Pingreq{},
        Pingresp{},
        Disconnect{},
    };
    for (const Packet& packet : packets) {
        corpus.push_back(test::encoded(packet, ProtocolVersion::Mqtt311));
        corpus.push_back(test::encoded(packet, ProtocolVersion::Mqtt31));
        corpus.push_back(test::encoded(packet, ProtocolVersion::Mqtt5));
    }
    for (const Bytes& v5 : v5_corpus()) corpus.push_back(v5);
    return corpus;
}

class Mutator {
public:
    explicit Mutator(std::uint32_t seed) : rng_(seed) {}

    std::uint32_t below(std::size_t bound) {
        return bound == 0 ? 0 : static_cast<std::uint32_t>(rng_() % bound);
    }

    std::uint8_t interesting_byte() {
        constexpr std::uint8_t kInteresting[] = {0x00, 0x01, 0x02, 0x03, 0x7F, 0x80, 0xC0,
                                                 0xED, 0xF4, 0xFE, 0xFF, '#',  '+',  '/'};
        if (below(2) == 0) return static_cast<std::uint8_t>(rng_());
        return kInteresting[below(std::size(kInteresting))];
    }

    void mutate(Bytes& data) {
        const std::uint32_t rounds = 1 + below(4);
        for (std::uint32_t r = 0; r < rounds; ++r) {
            switch (below(7)) {
                case 0:  // flip a bit
                    if (!data.empty()) {
                        data[below(data.size())] ^= static_cast<std::uint8_t>(1U << below(8));
                    }
                    break;
                case 1:  // overwrite a byte
                    if (!data.empty()) data[below(data.size())] = interesting_byte();
                    break;
                case 2:  // insert a byte
                    data.insert(data.begin() + below(data.size() + 1), interesting_byte());
                    break;
                case 3:  // delete a byte
                    if (!data.empty()) data.erase(data.begin() + below(data.size()));
                    break;
                case 4:  // truncate
                    data.resize(below(data.size() + 1));
                    break;
                case 5:  // append garbage
                    for (std::uint32_t n = below(8); n > 0; --n) data.push_back(interesting_byte());
                    break;
                default:  // mutate the fixed header's first byte (type and flags)
                    if (!data.empty()) data[0] = static_cast<std::uint8_t>(rng_());
                    break;
            }
        }
    }

    // Rewrites the remaining length so it agrees with the bytes present, so
    // the body decoders see the mutation instead of a size mismatch.
    static Bytes reframe(const Bytes& data) {
        if (data.empty()) return data;
        std::size_t header = 1;
        while (header < data.size() && header < 5 && (data[header] & 0x80U) != 0) ++header;
        ++header;
        if (header > data.size()) return data;
        const Bytes body(data.begin() + static_cast<std::ptrdiff_t>(header), data.end());
        return test::frame(data[0], body);
    }

    ProtocolVersion version() {
        constexpr ProtocolVersion kVersions[] = {ProtocolVersion::Mqtt31, ProtocolVersion::Mqtt311,
                                                 ProtocolVersion::Mqtt5};
        return kVersions[below(3)];
    }

private:
    std::mt19937 rng_;
};

// A copy on the heap of exactly `data.size()` bytes, so ASan flags any read
// past the end (a vector's spare capacity would hide it).
std::unique_ptr<std::uint8_t[]> exact_copy(const Bytes& data) {
    auto copy = std::make_unique<std::uint8_t[]>(data.size());
    if (!data.empty()) std::memcpy(copy.get(), data.data(), data.size());
    return copy;
}

struct FuzzStats {
    int decoded = 0;
    int errors = 0;
    int failures = 0;
};

void check_one(const Bytes& data, ProtocolVersion version, std::uint32_t limit, FuzzStats& stats) {
    const auto copy = exact_copy(data);
    const std::span<const std::uint8_t> input(copy.get(), data.size());

    const FrameResult header = read_frame_header(input, limit);
    if (header.status == FrameStatus::Complete && header.header.total_size() > limit) {
        ++stats.failures;
    }

    const DecodeResult result = decode_packet(input, version);
    if (std::holds_alternative<DecodeError>(result)) {
        ++stats.errors;
        if (std::get<DecodeError>(result).message.empty()) ++stats.failures;
        return;
    }
    ++stats.decoded;
    // Whatever decodes must encode back into something that decodes to it.
    const Packet& packet = std::get<Packet>(result);
    const ProtocolVersion encode_version =
        std::holds_alternative<Connect>(packet) ? std::get<Connect>(packet).version : version;
    const Bytes again = test::encoded(packet, encode_version);
    const DecodeResult redecoded = decode_packet(again, encode_version);
    if (!std::holds_alternative<Packet>(redecoded) || std::get<Packet>(redecoded) != packet) {
        ++stats.failures;
        UNSCOPED_INFO("unstable packet of type " << static_cast<int>(packet_type(packet)));
    }
}

TEST_CASE("decode never crashes on mutated and truncated packets", "[unit]") {
    const std::vector<Bytes> corpus = seed_corpus();
    Mutator mutator(kSeed);
    FuzzStats stats;
    for (int i = 0; i < kIterations; ++i) {
        Bytes data = corpus[mutator.below(corpus.size())];
        mutator.mutate(data);
        if (mutator.below(2) == 0) data = Mutator::reframe(data);
        const std::uint32_t limit = mutator.below(4) == 0 ? mutator.below(300) : 1U << 20U;
        check_one(data, mutator.version(), limit, stats);
        if (stats.failures > 0) break;
    }
    CHECK(stats.failures == 0);
    CHECK(stats.decoded + stats.errors > 0);
    // The mutations must leave enough valid packets to exercise the happy paths too.
    CHECK(stats.decoded > kIterations / 50);
    CHECK(stats.errors > kIterations / 10);
}

TEST_CASE("decode never crashes on mutated MQTT 5.0 packets", "[unit]") {
    const std::vector<Bytes> corpus = v5_corpus();
    Mutator mutator(kSeed + 2);
    FuzzStats stats;
    for (int i = 0; i < kIterations; ++i) {
        Bytes data = corpus[mutator.below(corpus.size())];
        mutator.mutate(data);
        if (mutator.below(4) != 0) data = Mutator::reframe(data);
        check_one(data, ProtocolVersion::Mqtt5, 1U << 20U, stats);
        if (stats.failures > 0) break;
    }
    CHECK(stats.failures == 0);
    CHECK(stats.decoded > kIterations / 50);
    CHECK(stats.errors > kIterations / 10);
}

TEST_CASE("decode never crashes on random byte strings", "[unit]") {
    Mutator mutator(kSeed + 1);
    FuzzStats stats;
    for (int i = 0; i < kIterations / 4; ++i) {
        Bytes data(mutator.below(24));
        for (std::uint8_t& byte : data) byte = mutator.interesting_byte();
        if (mutator.below(2) == 0) data = Mutator::reframe(data);
        check_one(data, mutator.version(), 1U << 20U, stats);
        if (stats.failures > 0) break;
    }
    CHECK(stats.failures == 0);
}

}  // namespace
}  // namespace wg::codec
