#include "local_broker/store/outbox_tables.h"

#include <algorithm>

namespace wg::store {
namespace {

std::uint64_t row_bytes(const broker::OutboxEntry& entry) { return entry.topic.size() + entry.payload.size(); }

}  // namespace

OutboxTables::OutboxTables(Database& database)
    : database_{database},
      insert_{database,
              "INSERT INTO outbox(bridge, topic, payload, qos, retain, queued_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"},
      select_size_{database,
                   "SELECT length(CAST(topic AS BLOB)) + length(payload) FROM outbox WHERE id = ?1 AND bridge = ?2"},
      delete_{database, "DELETE FROM outbox WHERE id = ?1"},
      select_oldest_{database,
                     "SELECT id, length(CAST(topic AS BLOB)) + length(payload) FROM outbox WHERE bridge = ?1"
                     " ORDER BY id LIMIT 1"},
      copy_rejected_{database,
                     "INSERT OR REPLACE INTO outbox_rejected(id, bridge, topic, payload, qos, retain, queued_ms,"
                     " rejected_ms, reason) SELECT id, bridge, topic, payload, qos, retain, queued_ms, ?3, ?4"
                     " FROM outbox WHERE id = ?1 AND bridge = ?2"},
      count_{database,
             "SELECT count(*), coalesce(sum(length(CAST(topic AS BLOB)) + length(payload)), 0) FROM outbox"
             " WHERE bridge = ?1"},
      put_cursor_{database, "INSERT OR REPLACE INTO bridge_cursors(bridge, liveness_sequence) VALUES(?1, ?2)"} {}

void OutboxTables::configure(const std::string& bridge, const broker::OutboxBounds& bounds) {
    auto& entry = bridges_[bridge];
    if (!entry) entry = std::make_unique<Bridge>();
    entry->bounds = bounds;
}

void OutboxTables::load_totals() {
    for (auto& [name, bridge] : bridges_) {
        count_.reset();
        count_.bind_text(1, name);
        if (count_.step()) {
            bridge->messages = static_cast<std::uint64_t>(count_.column_int64(0));
            bridge->bytes = static_cast<std::uint64_t>(count_.column_int64(1));
        }
        count_.reset();
    }
}

OutboxTables::Bridge* OutboxTables::find(const std::string& bridge) {
    const auto it = bridges_.find(bridge);
    return it == bridges_.end() ? nullptr : it->second.get();
}

void OutboxTables::apply(const OutboxAppended& appended) {
    Bridge* bridge = find(appended.bridge);
    if (!bridge) return;
    const broker::OutboxEntry& entry = appended.entry;
    insert_.reset();
    insert_.bind_text(1, appended.bridge);
    insert_.bind_text(2, entry.topic);
    insert_.bind_blob(3, entry.payload);
    insert_.bind_int(4, entry.qos);
    insert_.bind_int(5, entry.retain ? 1 : 0);
    insert_.bind_int64(6, entry.queued_ms);
    insert_.run();
    bridge->messages.fetch_add(1, std::memory_order_relaxed);
    bridge->bytes.fetch_add(row_bytes(entry), std::memory_order_relaxed);
    drop_oldest(appended.bridge, *bridge);
}

// The overflow policy: the oldest messages make room for the newest, so a long
// outage keeps the most recent data within the bounds.
void OutboxTables::drop_oldest(const std::string& name, Bridge& bridge) {
    while (bridge.messages.load(std::memory_order_relaxed) > bridge.bounds.max_messages ||
           bridge.bytes.load(std::memory_order_relaxed) > bridge.bounds.max_bytes) {
        select_oldest_.reset();
        select_oldest_.bind_text(1, name);
        if (!select_oldest_.step()) {
            bridge.messages = 0;
            bridge.bytes = 0;
            return;
        }
        const std::int64_t id = select_oldest_.column_int64(0);
        const auto size = static_cast<std::uint64_t>(select_oldest_.column_int64(1));
        select_oldest_.reset();
        delete_.reset();
        delete_.bind_int64(1, id);
        delete_.run();
        bridge.messages.fetch_sub(1, std::memory_order_relaxed);
        bridge.bytes.fetch_sub(std::min(size, bridge.bytes.load(std::memory_order_relaxed)),
                               std::memory_order_relaxed);
        bridge.dropped.fetch_add(1, std::memory_order_relaxed);
    }
}

std::int64_t OutboxTables::delete_row(const std::string& name, std::int64_t id) {
    select_size_.reset();
    select_size_.bind_int64(1, id);
    select_size_.bind_text(2, name);
    if (!select_size_.step()) return -1;  // acknowledged twice, or dropped meanwhile
    const std::int64_t size = select_size_.column_int64(0);
    select_size_.reset();
    delete_.reset();
    delete_.bind_int64(1, id);
    delete_.run();
    return size;
}

void OutboxTables::apply(const OutboxRemoved& removed) {
    Bridge* bridge = find(removed.bridge);
    if (!bridge) return;
    for (const std::int64_t id : removed.ids) {
        const std::int64_t size = delete_row(removed.bridge, id);
        if (size < 0) continue;
        bridge->messages.fetch_sub(1, std::memory_order_relaxed);
        bridge->bytes.fetch_sub(
            std::min(static_cast<std::uint64_t>(size), bridge->bytes.load(std::memory_order_relaxed)),
            std::memory_order_relaxed);
    }
}

void OutboxTables::apply(const OutboxRejected& rejected) {
    Bridge* bridge = find(rejected.bridge);
    if (!bridge) return;
    copy_rejected_.reset();
    copy_rejected_.bind_int64(1, rejected.id);
    copy_rejected_.bind_text(2, rejected.bridge);
    copy_rejected_.bind_int64(3, rejected.at_ms);
    copy_rejected_.bind_text(4, rejected.reason);
    copy_rejected_.run();
    const std::int64_t size = delete_row(rejected.bridge, rejected.id);
    if (size < 0) return;
    bridge->messages.fetch_sub(1, std::memory_order_relaxed);
    bridge->bytes.fetch_sub(std::min(static_cast<std::uint64_t>(size), bridge->bytes.load(std::memory_order_relaxed)),
                            std::memory_order_relaxed);
    bridge->rejected.fetch_add(1, std::memory_order_relaxed);
}

void OutboxTables::apply(const LivenessForwarded& forwarded) {
    if (!find(forwarded.bridge)) return;
    put_cursor_.reset();
    put_cursor_.bind_text(1, forwarded.bridge);
    put_cursor_.bind_int64(2, forwarded.sequence);
    put_cursor_.run();
}

broker::OutboxTotals OutboxTables::totals(const std::string& bridge) const {
    const auto it = bridges_.find(bridge);
    if (it == bridges_.end()) return {};
    const Bridge& b = *it->second;
    return broker::OutboxTotals{b.messages.load(std::memory_order_relaxed), b.bytes.load(std::memory_order_relaxed),
                                b.dropped.load(std::memory_order_relaxed),
                                b.rejected.load(std::memory_order_relaxed)};
}

}  // namespace wg::store
