#include <catch2/catch.hpp>

#include "local_broker/codec/codec.h"

using namespace wg::codec;

TEST_CASE("encode_publish writes the same bytes as encoding the equivalent Publish", "[unit][codec]") {
    const auto version = GENERATE(ProtocolVersion::Mqtt31, ProtocolVersion::Mqtt311, ProtocolVersion::Mqtt5);
    const auto qos = GENERATE(QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce);
    Publish publish{"a/b", std::string(300, 'p'), qos, true, qos != QoS::AtMostOnce, 0, {}};
    if (qos != QoS::AtMostOnce) publish.packet_id = 513;
    publish.properties.content_type = "text/plain";
    publish.properties.user_properties = {{"k", "v"}};
    publish.properties.subscription_identifiers = {1, 300};

    std::vector<std::uint8_t> expected;
    encode(publish, version, expected);
    std::vector<std::uint8_t> actual;
    encode_publish(PublishView{publish.topic, publish.payload, publish.qos, publish.retain, publish.dup,
                               publish.packet_id, &publish.properties},
                   version, actual);
    CHECK(actual == expected);

    Publish bare = publish;
    bare.properties = {};
    std::vector<std::uint8_t> bare_expected;
    encode(bare, version, bare_expected);
    std::vector<std::uint8_t> bare_actual;
    encode_publish(PublishView{bare.topic, bare.payload, bare.qos, bare.retain, bare.dup, bare.packet_id, nullptr},
                   version, bare_actual);
    CHECK(bare_actual == bare_expected);
}
