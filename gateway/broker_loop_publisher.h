#pragma once
// The gateway's willgate/local_publisher.h: a message from a bridge's downlink
// is posted to the broker's event loop and published there.
//
// Threading: publish_local() from any thread; the broker is touched on its loop only.

#include <asio/io_context.hpp>
#include <asio/post.hpp>

#include "local_broker/core/broker.h"
#include "willgate/local_publisher.h"

namespace wg::gateway {

class BrokerLoopPublisher final : public broker::LocalPublisher {
public:
    BrokerLoopPublisher(asio::io_context& io, core::Broker& broker) : io_{io}, broker_{broker} {}

    void publish_local(broker::LocalMessage message, const broker::MessageTap* origin) override {
        asio::post(io_, [this, message = std::move(message), origin]() mutable {
            broker_.publish_local(std::move(message), origin);
        });
    }

private:
    asio::io_context& io_;
    core::Broker& broker_;
};

}  // namespace wg::gateway
