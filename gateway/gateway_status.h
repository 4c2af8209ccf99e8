#pragma once
// What the dashboard reads as the gateway's figures: the broker's (StatusBoard)
// with the cloud bridges' status added.
//
// Threading: status() from any thread; both sources are thread-safe.

#include "willgate/bridge_status.h"
#include "willgate/broker_status.h"

namespace wg::gateway {

class GatewayStatus final : public broker::BrokerStatusSource {
public:
    GatewayStatus(const broker::BrokerStatusSource& broker, const broker::BridgeStatusSource& bridges)
        : broker_{broker}, bridges_{bridges} {}

    broker::BrokerStatus status() const override {
        broker::BrokerStatus status = broker_.status();
        status.bridges = bridges_.bridges();
        return status;
    }

private:
    const broker::BrokerStatusSource& broker_;
    const broker::BridgeStatusSource& bridges_;
};

}  // namespace wg::gateway
