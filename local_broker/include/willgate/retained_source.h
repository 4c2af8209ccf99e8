#pragma once
// Retained messages that live outside the broker's memory: a subscription
// whose filter can match the source's topic prefix gets them after its SUBACK,
// with the RETAIN flag, like the broker's own retained messages. The device
// status topics ($SYS/willgate/devices/{client id}/status) are served this way
// from the liveness registry, so ten thousand devices cost no broker memory.
//
// Threading: called on the broker's event-loop thread; for_each() may read a
// database (a subscription to the source's topics is rare).

#include <functional>
#include <string>
#include <string_view>

namespace wg::broker {

class RetainedSource {
public:
    virtual ~RetainedSource() = default;
    // Every topic the source holds starts with this ("$SYS/willgate/devices/").
    virtual std::string_view prefix() const = 0;
    // Calls visit(topic, payload) for each message it holds (QoS 0).
    virtual void for_each(const std::function<void(const std::string& topic, const std::string& payload)>& visit) = 0;
};

}  // namespace wg::broker
