#pragma once
// Limits the network layer enforces; filled from the configuration by the
// composition root.

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace wg::net {

struct NetSettings {
    std::uint32_t max_packet_size = 1 << 20;  // whole packet, checked before the body is read
    std::uint32_t max_connections = 50000;    // 0 = unlimited
    std::size_t max_output_buffer = 1 << 20;  // reading from a client pauses while more is queued to it
    std::chrono::milliseconds close_linger{2000};   // time to flush queued bytes before a close
    std::chrono::milliseconds tick_interval{100};   // broker timers (keep-alive, connect deadline, Wills)
};

}  // namespace wg::net
