#pragma once
// The broker's latest figures for readers on other threads (the dashboard,
// /metrics): the event-loop thread posts a fresh BrokerStatus about once a
// second, readers take a copy.
//
// Threading: update() on the event-loop thread, status() from any thread;
// both hold a mutex only for the copy.

#include <mutex>

#include "willgate/broker_status.h"

namespace wg::net {

class StatusBoard final : public broker::BrokerStatusSource {
public:
    void update(broker::BrokerStatus status) {
        std::lock_guard lock{mutex_};
        status_ = std::move(status);
    }
    broker::BrokerStatus status() const override {
        std::lock_guard lock{mutex_};
        return status_;
    }

private:
    mutable std::mutex mutex_;
    broker::BrokerStatus status_;
};

}  // namespace wg::net
