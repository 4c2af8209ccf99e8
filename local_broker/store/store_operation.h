#pragma once
// One queued change to the broker's durable state: what a core::Persistence
// call becomes until the writer thread commits it. Plain values.

#include <chrono>
#include <string>
#include <variant>

#include "local_broker/codec/packet.h"
#include "local_broker/core/persistence.h"

namespace wg::store {

struct WillHeld {
    std::string client_id;
    codec::Will will;
    std::chrono::seconds delay{0};
};

struct WillPending {
    std::string client_id;
    core::WallClock::time_point due;
};

struct WillRemoved {
    std::string client_id;
};

struct RetainedSet {
    core::StoredRetained retained;
};

struct RetainedCleared {
    std::string topic;
};

using StoreOperation = std::variant<WillHeld, WillPending, WillRemoved, RetainedSet, RetainedCleared>;

}  // namespace wg::store
