#pragma once
// Limits and policy the broker core enforces; filled from the configuration by
// the composition root.

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace wg::core {

inline constexpr std::size_t kHardLimitFactor = 4;

struct BrokerSettings {
    std::uint16_t max_inflight_messages = 20;   // unacknowledged QoS 1/2 sends per client; also the
                                                // Receive Maximum announced to MQTT 5 clients
    std::uint32_t max_queued_messages = 1000;   // QoS 1/2 messages waiting per client
    // Bytes queued to a client before its publishers are paused (flow control);
    // QoS 0 messages to it are dropped only beyond kHardLimitFactor times this.
    std::size_t max_output_buffer = 1 << 20;
    // How long a slow subscriber may hold its publishers back before it is
    // treated as stuck: its publishers resume and its QoS 0 overflow is dropped.
    std::chrono::milliseconds max_stall{1000};
    std::chrono::milliseconds connect_timeout{10'000};
    std::uint32_t max_packet_size = 1 << 20;    // announced to MQTT 5 clients in CONNACK
    std::uint16_t max_topic_alias = 10;         // Topic Alias Maximum announced to MQTT 5 clients
    std::uint16_t max_keep_alive = 0;           // MQTT 5 Server Keep Alive cap; 0 = client's value
};

}  // namespace wg::core
