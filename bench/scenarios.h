#pragma once
// The subcommands of willgate-bench. Each parse_* reads and checks its options (throwing
// UsageError); each run_* drives the broker and returns the one line of JSON to print.
// Failures to set the scenario up (broker unreachable, CONNECT refused) throw
// std::runtime_error.

#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

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

// The bridge scenarios: an edge broker (--port) forwards bench/# to a cloud broker
// (--cloud-port, same --host) through its bridge. bridge-forward measures forwarding with
// the cloud up; bridge-ready, bridge-publish and bridge-receive are the steps of an outage
// that scripts/bench takes in turn, stopping and starting the cloud in between.
struct BridgeLoadSettings {
    sockaddr_in edge{};
    sockaddr_in cloud{};
    std::size_t publishers = 8;
    std::size_t window = 64;  // unacknowledged QoS 1 PUBLISHes per publisher
    std::size_t payload = 64;
    std::uint64_t messages = 100000;  // in all, shared among the publishers
    std::string session;              // the cloud subscriber's persistent session (client id)
    std::int64_t quiet_ms = 2000;     // nothing new for this long: the rest is not coming
    std::int64_t timeout_s = 60;
};
// `command` is the subcommand: each takes only the options it uses.
BridgeLoadSettings parse_bridge(Options& options, std::string_view command);
// The cloud subscriber, then a probe through the bridge, then the publishers; until every
// acknowledged message arrived at the cloud (or nothing more came for --quiet-ms).
std::string run_bridge_forward(const BridgeLoadSettings& settings);
// Creates the persistent session --session on the cloud and waits for a probe to get
// through the bridge, then disconnects: the session queues what comes while it is away.
std::string run_bridge_ready(const BridgeLoadSettings& settings);
// Publishes --messages on the edge and waits for every PUBACK.
std::string run_bridge_publish(const BridgeLoadSettings& settings);
// Waits for the cloud to accept connections (a TCP connect every millisecond), resumes the
// session --session and counts what arrives: from the cloud being up to the first and to
// the last message.
std::string run_bridge_receive(const BridgeLoadSettings& settings);

// Options every subcommand takes: --host (default 127.0.0.1) and --port (default 1883).
sockaddr_in parse_target(Options& options);

}  // namespace wg::bench
