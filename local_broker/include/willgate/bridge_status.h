#pragma once
// The cloud bridges' state, as outsiders (the dashboard, /metrics) read it.
//
// Threading: BridgeStatusSource::bridges() may be called from any thread; it
// returns a copy refreshed by each bridge's own thread.

#include <cstdint>
#include <string>
#include <vector>

namespace wg::broker {

struct BridgeStatus {
    std::string name;
    std::string address;            // the cloud address in use, or the first one tried
    bool connected = false;
    std::int64_t since_ms = 0;      // connected since, or disconnected since (Unix epoch, UTC)
    std::string last_error;         // empty until the first failure
    std::uint64_t backlog_messages = 0;  // in the outbox, committed, not yet acknowledged by the cloud
    std::uint64_t backlog_bytes = 0;     // topic + payload
    std::int64_t oldest_queued_ms = 0;   // 0 when the outbox is empty
    std::uint64_t sent = 0;      // PUBLISH handed to the cloud connection (re-sends included)
    std::uint64_t acked = 0;     // acknowledged by the cloud (QoS 0: sent) and deleted
    std::uint64_t dropped = 0;   // deleted by the outbox overflow policy (drop oldest)
    std::uint64_t rejected = 0;  // refused by the cloud for good (see the outbox_rejected table)
    std::uint64_t received = 0;  // downlink: messages from the cloud published on the local broker
};

class BridgeStatusSource {
public:
    virtual ~BridgeStatusSource() = default;
    virtual std::vector<BridgeStatus> bridges() const = 0;
};

}  // namespace wg::broker
