#pragma once
// The message tap: the port through which an outsider (the cloud bridge) sees
// every PUBLISH the broker routes, devices' messages and published Wills alike,
// and may keep a durable copy of it.
//
// Threading: offer() is called on the broker's event-loop thread, once per
// routed message, before any subscriber gets it. It must return quickly and
// must not block on a disk: it may only queue writes to the store's writer
// (willgate/outbox.h), and must not call back into the broker.
//
// Durability: offer() returns true when it queued a write for the message.
// The broker then holds the publisher's PUBACK/PUBREC of a QoS 1/2 message
// until the store has committed everything queued so far, so an acknowledged
// message is on disk.

#include <cstdint>
#include <string>

namespace wg::broker {

struct TappedMessage {
    const std::string& topic;
    const std::string& payload;
    std::uint8_t qos = 0;
    bool retain = false;
    bool will = false;  // a published Will
};

class MessageTap {
public:
    virtual ~MessageTap() = default;
    // True: a durable copy was queued (the acknowledgement waits for its commit).
    virtual bool offer(const TappedMessage& message) = 0;
};

}  // namespace wg::broker
