#pragma once
// The bridge outbox: messages on their way to a cloud broker, kept in the
// gateway's database until the cloud acknowledges them.
//
// OutboxWriter is implemented by the store: every change goes through the
// store's one writer thread and transaction stream, in call order, with the
// broker's own writes. An append queued while a device's PUBLISH is routed is
// therefore committed before that device gets its PUBACK (message_tap.h).
// Each bridge's outbox is bounded in messages and bytes (topic + payload); an
// append beyond a bound deletes the oldest rows of that bridge in the same
// transaction ("drop oldest"), and counts them.
//
// OutboxReader reads committed rows from a connection of its own (SQLite WAL:
// readers never block the writer). One reader per bridge, used by one thread.
//
// Errors: a failed commit is the store's (logged; retried; the broker stops
// acknowledging what must be stored). A failed read is logged and reads as
// nothing.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wg::broker {

struct OutboxBounds {
    std::uint64_t max_messages = 1000000;
    std::uint64_t max_bytes = 100 * 1024 * 1024;
};

// A message to keep for a bridge, already mapped to its remote topic.
struct OutboxEntry {
    std::string topic;
    std::string payload;
    std::uint8_t qos = 1;
    bool retain = false;
    std::int64_t queued_ms = 0;  // Unix epoch, UTC
};

// A stored message; ids grow in append order and are never reused.
struct OutboxRow {
    std::int64_t id = 0;
    std::string topic;
    std::string payload;
    std::uint8_t qos = 1;
    bool retain = false;
    std::int64_t queued_ms = 0;
};

// Committed state of one bridge's outbox since the gateway started (messages
// and bytes are what the table holds).
struct OutboxTotals {
    std::uint64_t messages = 0;
    std::uint64_t bytes = 0;
    std::uint64_t dropped = 0;   // deleted by the overflow policy
    std::uint64_t rejected = 0;  // set aside as refused by the cloud
};

class OutboxWriter {
public:
    virtual ~OutboxWriter() = default;
    // Any thread; queue and return. Unknown bridges are ignored.
    virtual void outbox_append(const std::string& bridge, OutboxEntry entry) = 0;
    // The cloud acknowledged these rows: they are deleted (nothing happens for
    // one that is gone), in one change. Returns the change's sequence number in
    // the store's stream: the change is committed once the store reports a
    // commit through that number (the gateway passes commits on to the bridge).
    virtual std::uint64_t outbox_remove(const std::string& bridge, std::vector<std::int64_t> ids) = 0;
    // The cloud refused the row for good: it moves to outbox_rejected with
    // `reason`. Returns the sequence number, as outbox_remove().
    virtual std::uint64_t outbox_reject(const std::string& bridge, std::int64_t id, std::string reason) = 0;
    // The bridge has appended the messages of every liveness change through
    // `sequence` (willgate/liveness.h): kept with them, so that after a restart
    // the bridge goes on from there (OutboxReader::liveness_cursor()).
    virtual void outbox_liveness_through(const std::string& bridge, std::int64_t sequence) = 0;
    // Any thread; lock-free.
    virtual OutboxTotals outbox_totals(const std::string& bridge) const = 0;
};

class OutboxReader {
public:
    virtual ~OutboxReader() = default;
    // At most `max` committed rows of the bridge with an id above `after`, oldest first.
    virtual std::vector<OutboxRow> read_after(std::int64_t after, std::size_t max) = 0;
    // When the oldest row still stored was queued (nullopt: the outbox is empty).
    virtual std::optional<std::int64_t> oldest_queued_ms() = 0;
    // The last liveness change queued (outbox_liveness_through()); nullopt: none yet.
    virtual std::optional<std::int64_t> liveness_cursor() = 0;
};

}  // namespace wg::broker
