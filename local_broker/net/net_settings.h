#pragma once
// Limits the network layer enforces; filled from the configuration by the
// composition root.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace wg::net {

struct NetSettings {
    std::uint32_t max_packet_size = 1 << 20;  // whole packet, checked before the body is read
    std::uint32_t max_connections = 50000;    // 0 = unlimited
    std::size_t max_output_buffer = 1 << 20;  // reading from a client pauses while more is queued to it
    std::chrono::milliseconds close_linger{2000};   // time to flush queued bytes before a close
    std::chrono::milliseconds tick_interval{100};   // broker timers (keep-alive, connect deadline, Wills)
    std::chrono::milliseconds status_interval{1000};  // how often the StatusBoard is refreshed
    std::chrono::seconds activity_interval{5};  // how often clients' last seen and counters are reported
    std::chrono::seconds sys_interval{10};  // how often the $SYS topics are published; 0 = never
    std::string version;                    // for BrokerStatus and $SYS/broker/version
};

}  // namespace wg::net
