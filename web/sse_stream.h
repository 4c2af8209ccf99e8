// GET /api/events: the live stream of Server-Sent Events.
//
//   event: device   id: SEQUENCE   data: {"sequence", "transition": {...}, "device": {...}|null}
//       one per Transition of the liveness change stream, oldest first; "device" is null
//       once the device is forgotten
//   event: forgotten   data: {"client_id"}
//       a device forgotten through the API (see web/forgotten_devices.h), in order with the
//       device events
//   event: broker   data: the /api/broker object, every broker_interval
//   ": keep-alive"  a comment every keepalive_interval
//
// The stream starts after the sequence given by Last-Event-ID (what a reconnecting
// EventSource sends), else by the query parameter `after`, else at the newest change.
//
// Threading: run() occupies the calling pool thread until the client goes away (a write
// fails) or `stopping` becomes true; it notices either within poll_interval.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "web/forgotten_devices.h"
#include "willgate/broker_status.h"
#include "willgate/liveness.h"

namespace wg::web {

struct SseOptions {
    std::chrono::milliseconds broker_interval{1000};
    std::chrono::milliseconds keepalive_interval{15000};
    std::chrono::milliseconds poll_interval{250};  // longest wait_for_change() between checks
    std::size_t batch = 100;                        // transitions read at a time
};

// A sequence number from Last-Event-ID or `after`; nullopt unless a non-negative integer.
std::optional<std::int64_t> parse_sequence(std::string_view text);

// One whole event, with its blank line: "event: device\nid: 7\ndata: {...}\n\n".
std::string device_event(const liveness::Transition& transition, const std::optional<liveness::DeviceStatus>& device);
std::string broker_event(const broker::BrokerStatus& status, std::int64_t now_ms);
std::string forgotten_event(const std::string& client_id);

class SseStream {
public:
    SseStream(liveness::LivenessReader& liveness, const broker::BrokerStatusSource& broker, const Clock& clock,
              const std::atomic<bool>& stopping, SseOptions options = {},
              const ForgottenDevices* forgotten = nullptr);

    // Writes events to `out` (flushing after each burst) from the change after `after` on.
    void run(std::ostream& out, std::int64_t after);

private:
    liveness::LivenessReader& liveness_;
    const broker::BrokerStatusSource& broker_;
    const Clock& clock_;
    const std::atomic<bool>& stopping_;
    SseOptions options_;
    const ForgottenDevices* forgotten_;
};

}  // namespace wg::web
