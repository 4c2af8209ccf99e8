#pragma once
// An application message as the broker routes it: immutable once created and
// shared by every subscriber queue that holds it.

#include <memory>
#include <string>

#include "local_broker/codec/packet.h"

namespace wg::core {

struct Message {
    std::string topic;
    std::string payload;
    codec::QoS qos = codec::QoS::AtMostOnce;
    bool retain = false;
};

using MessagePtr = std::shared_ptr<const Message>;

inline MessagePtr make_message(std::string topic, std::string payload, codec::QoS qos, bool retain) {
    return std::make_shared<const Message>(Message{std::move(topic), std::move(payload), qos, retain});
}

constexpr codec::QoS min_qos(codec::QoS a, codec::QoS b) { return a < b ? a : b; }

}  // namespace wg::core
