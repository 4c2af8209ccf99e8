#pragma once
// The broker's figures, as outsiders (the web dashboard, /metrics, $SYS) read
// them.
//
// Threading: BrokerStatusSource::status() may be called from any thread; it
// returns a copy refreshed by the broker's own thread about once a second.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "willgate/bridge_status.h"

namespace wg::broker {

struct ListenerStatus {
    std::string address;  // "127.0.0.1:1883", "[::]:1883"
    std::uint64_t connections = 0;  // open now
    std::uint64_t accepted = 0;     // since start
};

struct BrokerStatus {
    std::string version;
    std::int64_t started_ms = 0;  // Unix epoch, UTC
    std::int64_t updated_ms = 0;  // when these figures were taken
    std::uint64_t clients_connected = 0;
    std::uint64_t clients_disconnected = 0;  // persistent sessions without a connection
    std::uint64_t clients_total = 0;         // connected + disconnected
    std::uint64_t subscriptions = 0;
    std::uint64_t retained_messages = 0;
    std::uint64_t messages_received = 0;  // PUBLISH packets, since start
    std::uint64_t messages_sent = 0;
    std::uint64_t messages_dropped = 0;
    std::uint64_t bytes_received = 0;
    std::uint64_t bytes_sent = 0;
    std::uint64_t wills_published = 0;
    std::map<std::string, std::uint64_t> disconnects_by_cause;  // cause name -> count since start
    std::map<std::string, std::uint64_t> wills_by_cause;        // cause name -> Wills published
    std::vector<ListenerStatus> listeners;
    std::vector<BridgeStatus> bridges;  // the cloud bridges (the gateway adds them; none in the broker's own figures)
};

class BrokerStatusSource {
public:
    virtual ~BrokerStatusSource() = default;
    virtual BrokerStatus status() const = 0;
};

}  // namespace wg::broker
