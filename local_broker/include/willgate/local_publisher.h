#pragma once
// A way for an outsider (a cloud bridge's downlink) to publish on the local
// broker, as if a client had: local subscribers get the message, retained
// messages are kept, and the message taps see it, except the tap it came from
// (a bridge never sends a message from its cloud back up: no loops).
//
// Threading: publish_local() may be called from any thread; the message is
// routed on the broker's event-loop thread soon after. Delivery to local
// subscribers is as for a device's PUBLISH of that QoS; the call does not wait.

#include <cstdint>
#include <string>

#include "willgate/message_tap.h"

namespace wg::broker {

struct LocalMessage {
    std::string topic;  // a valid topic name (no wildcards)
    std::string payload;
    std::uint8_t qos = 0;
    bool retain = false;
};

class LocalPublisher {
public:
    virtual ~LocalPublisher() = default;
    // `origin`: the tap of the bridge the message came from, or null.
    virtual void publish_local(LocalMessage message, const MessageTap* origin) = 0;
};

}  // namespace wg::broker
