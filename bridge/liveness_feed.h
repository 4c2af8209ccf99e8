#pragma once
// Turns the liveness registry's change stream (willgate/liveness.h) into a
// bridge's outbox messages, so every device online/offline change reaches the
// cloud at least once, in order, even across an outage or a crash.
//
// A thread of its own waits for changes, has the bridge's LivenessFormat make
// the messages, and appends them to the outbox followed by the cursor (the last
// change's sequence), both through the store's writer (willgate/outbox.h). After
// a restart the feed goes on from the stored cursor: changes recorded while the
// gateway was down for a crash (devices marked offline with cause
// gateway-restart) go out too; a crash between the messages and the cursor
// sends them again (at least once). A bridge with no cursor yet starts at the
// newest change: it does not replay the registry's whole history.
//
// Threading: start() and stop() from the gateway's thread.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>

#include "bridge/liveness_format.h"
#include "common/clock.h"
#include "willgate/liveness.h"
#include "willgate/outbox.h"

namespace wg::bridge {

class LivenessFeed {
public:
    LivenessFeed(std::string bridge, liveness::LivenessReader& liveness, std::unique_ptr<LivenessFormat> format,
                 broker::OutboxWriter& outbox, const Clock& clock);
    LivenessFeed(const LivenessFeed&) = delete;
    LivenessFeed& operator=(const LivenessFeed&) = delete;
    ~LivenessFeed();

    // `stored_cursor`: OutboxReader::liveness_cursor() of the bridge.
    void start(std::optional<std::int64_t> stored_cursor);
    void stop();

    // Appends the messages of every change after the cursor; returns how many
    // changes it handled (the thread's step; tests call it directly).
    std::size_t forward_changes();
    // Appends the messages of the device's current state (any thread); false if
    // the device is unknown. For a cloud that throttled an update.
    bool resend(const std::string& client_id);
    std::int64_t cursor() const { return cursor_; }
    void set_cursor(std::optional<std::int64_t> stored_cursor);

private:
    void run();
    // The format's messages for `changes`, appended to the outbox.
    void append(std::span<const liveness::Transition> changes);

    std::string bridge_;
    liveness::LivenessReader& liveness_;
    std::mutex format_mutex_;  // format_ serves the feed's thread and resend()
    std::unique_ptr<LivenessFormat> format_;
    broker::OutboxWriter& outbox_;
    const Clock& clock_;
    std::int64_t cursor_ = 0;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

}  // namespace wg::bridge
