#include "bridge/liveness_feed.h"

#include "common/log.h"
#include "common/thread_name.h"

namespace wg::bridge {
namespace {

// Changes read at a time (bounded memory after a long history).
constexpr std::size_t kBatch = 256;
// How long one wait for a change lasts: the longest stop() waits.
constexpr std::chrono::milliseconds kWait{200};

}  // namespace

LivenessFeed::LivenessFeed(std::string bridge, liveness::LivenessReader& liveness,
                           std::unique_ptr<LivenessFormat> format, broker::OutboxWriter& outbox, const Clock& clock)
    : bridge_{std::move(bridge)}, liveness_{liveness}, format_{std::move(format)}, outbox_{outbox}, clock_{clock} {}

LivenessFeed::~LivenessFeed() { stop(); }

void LivenessFeed::set_cursor(std::optional<std::int64_t> stored_cursor) {
    if (stored_cursor) {
        cursor_ = *stored_cursor;
        return;
    }
    cursor_ = liveness_.last_sequence();
    outbox_.outbox_liveness_through(bridge_, cursor_);
}

void LivenessFeed::start(std::optional<std::int64_t> stored_cursor) {
    if (thread_.joinable()) return;
    set_cursor(stored_cursor);
    stopping_ = false;
    thread_ = std::thread{[this] { run(); }};
}

void LivenessFeed::stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
}

std::size_t LivenessFeed::forward_changes() {
    std::size_t handled = 0;
    for (;;) {
        const auto changes = liveness_.changes_after(cursor_, kBatch);
        if (changes.empty()) return handled;
        append(changes);
        cursor_ = changes.back().sequence;
        outbox_.outbox_liveness_through(bridge_, cursor_);
        handled += changes.size();
        if (changes.size() < kBatch) return handled;
    }
}

bool LivenessFeed::resend(const std::string& client_id) {
    const auto device = liveness_.device(client_id);
    if (!device) return false;
    liveness::Transition current;
    current.client_id = device->client_id;
    current.at_ms = device->since_ms;
    current.online = device->online;
    current.cause = device->online ? std::string{} : device->last_cause;
    current.reason = device->online ? std::string{} : device->last_reason;
    current.peer = device->peer;
    append(std::span{&current, 1});
    return true;
}

void LivenessFeed::append(std::span<const liveness::Transition> changes) {
    std::vector<broker::OutboxEntry> entries;
    {
        std::lock_guard lock{format_mutex_};
        entries = format_->format(changes, liveness_, wall_ms(clock_));
    }
    for (broker::OutboxEntry& entry : entries) outbox_.outbox_append(bridge_, std::move(entry));
}

void LivenessFeed::run() {
    name_this_thread("wg-live:" + bridge_);
    while (!stopping_) {
        try {
            forward_changes();
        } catch (const std::exception& error) {
            log::warning("bridge " + bridge_ + ": cannot read the liveness changes: " + error.what());
            std::this_thread::sleep_for(kWait);  // not in a tight loop while the database fails
        }
        liveness_.wait_for_change(cursor_, kWait);
    }
}

}  // namespace wg::bridge
