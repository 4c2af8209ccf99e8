#pragma once
// One queued change to the broker's durable state: what a core::Persistence
// call becomes until the writer thread commits it. Plain values.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "local_broker/codec/packet.h"
#include "local_broker/core/persistence.h"
#include "local_broker/liveness/device_records.h"
#include "willgate/outbox.h"

namespace wg::store {

// The Will and the retained message carry MQTT 5 properties (hundreds of
// bytes in place): they are held by pointer so that every queued operation
// stays small.
struct WillHeld {
    std::string client_id;
    std::unique_ptr<const codec::Will> will;
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
    std::unique_ptr<const core::StoredRetained> retained;
};

struct RetainedCleared {
    std::string topic;
};

struct SessionStored {
    std::string client_id;
    std::uint32_t expiry_interval = 0;
    std::optional<core::WallClock::time_point> expires_at;
};

struct SessionRemoved {
    std::string client_id;
};

struct SubscriptionStored {
    std::string client_id;
    core::StoredSubscription subscription;
};

struct SubscriptionRemoved {
    std::string client_id;
    std::string filter;
};

struct DeliveryStored {
    std::string client_id;
    core::StoredDelivery delivery;
};

struct DeliveryUpdated {
    std::string client_id;
    std::uint64_t stored_id = 0;
    std::uint16_t packet_id = 0;
    core::InflightState state = core::InflightState::AwaitPuback;
};

struct DeliveryRemoved {
    std::string client_id;
    std::uint64_t stored_id = 0;
};

struct Qos2Received {
    std::string client_id;
    std::uint16_t packet_id = 0;
};

struct Qos2Released {
    std::string client_id;
    std::uint16_t packet_id = 0;
};

struct DeviceConnected {
    liveness::DeviceConnection connection;
};

struct DeviceDisconnected {
    liveness::DeviceDisconnection disconnection;
};

struct DeviceActivityReported {
    liveness::DeviceActivity activity;
};

struct DeviceWillPublished {
    liveness::DeviceWill will;
};

struct DeviceForgotten {
    std::string client_id;  // only while it is offline
};

// The bridge outbox (willgate/outbox.h).
struct OutboxAppended {
    std::string bridge;
    broker::OutboxEntry entry;
};

struct OutboxRemoved {
    std::string bridge;
    std::vector<std::int64_t> ids;
};

struct OutboxRejected {
    std::string bridge;
    std::int64_t id = 0;
    std::string reason;
    std::int64_t at_ms = 0;
};

// A bridge queued the liveness changes through `sequence` (device_history ids).
struct LivenessForwarded {
    std::string bridge;
    std::int64_t sequence = 0;
};

using StoreOperation =
    std::variant<WillHeld, WillPending, WillRemoved, RetainedSet, RetainedCleared, SessionStored, SessionRemoved,
                 SubscriptionStored, SubscriptionRemoved, DeliveryStored, DeliveryUpdated, DeliveryRemoved,
                 Qos2Received, Qos2Released, DeviceConnected, DeviceDisconnected, DeviceActivityReported, DeviceWillPublished,
                 DeviceForgotten, OutboxAppended, OutboxRemoved, OutboxRejected, LivenessForwarded>;

}  // namespace wg::store
