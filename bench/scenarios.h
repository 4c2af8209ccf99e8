#pragma once
// The subcommands of willgate-bench. Each parse_* reads and checks its options (throwing
// UsageError); each run_* drives the broker and returns the one line of JSON to print.
// Failures to set the scenario up (broker unreachable, CONNECT refused) throw
// std::runtime_error.

#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "bench/mqtt_load.h"

namespace wg::bench {

struct FaninSettings {
    sockaddr_in address{};
    std::uint8_t qos = 0;
    std::size_t publishers = 8;
    std::size_t payload = 64;
    std::int64_t seconds = 5;
    std::size_t window = 64;  // QoS 1: unacknowledged PUBLISHes per publisher
    std::int64_t quiet_ms = 1000;
    // QoS 1: the subscriber has a persistent session (clean session 0) and is
    // offline while the publishers run, so every message is queued (and, with
    // a durable store, committed before its PUBACK); it reconnects afterwards
    // and drains the queue, which checks that nothing acknowledged was lost.
    bool offline_subscriber = false;
};
FaninSettings parse_fanin(Options& options);
std::string run_fanin(const FaninSettings& settings);

struct FanoutSettings {
    sockaddr_in address{};
    std::size_t subscribers = 50;
    std::size_t payload = 64;
    std::int64_t seconds = 5;
    std::size_t window = 1000;  // messages ahead of what subscriber 0 has seen
    std::int64_t quiet_ms = 1000;
};
FanoutSettings parse_fanout(Options& options);
std::string run_fanout(const FanoutSettings& settings);

struct LatencySettings {
    sockaddr_in address{};
    std::int64_t rate = 5000;  // messages per second
    std::int64_t burst = 1;    // messages per timer tick
    std::size_t payload = 64;
    std::int64_t seconds = 5;
    std::int64_t quiet_ms = 1000;
};
LatencySettings parse_latency(Options& options);
std::string run_latency(const LatencySettings& settings);

struct ConnectionsSettings {
    sockaddr_in address{};
    std::size_t count = 10000;
    std::uint16_t keep_alive = 60;
    std::size_t inflight = 256;  // CONNECTs awaiting their CONNACK at once
    std::int64_t timeout_s = 120;
};
ConnectionsSettings parse_connections(Options& options);
// Prints its JSON line itself once all are connected, then holds the connections until
// SIGTERM/SIGINT or the end of stdin; returns the process exit status.
int run_connections(const ConnectionsSettings& settings);

struct WillstormSettings {
    sockaddr_in address{};
    std::size_t count = 2000;
    std::uint8_t qos = 0;  // of the watcher's subscription; the Wills are QoS 1
    std::size_t inflight = 256;
    bool reset = false;  // close with RST (SO_LINGER 0) instead of a plain close (FIN)
    std::int64_t quiet_ms = 2000;
    std::int64_t timeout_s = 60;
};
WillstormSettings parse_willstorm(Options& options);
std::string run_willstorm(const WillstormSettings& settings);

// Options every subcommand takes: --host (default 127.0.0.1) and --port (default 1883).
sockaddr_in parse_target(Options& options);

}  // namespace wg::bench
