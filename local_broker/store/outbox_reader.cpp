#include "local_broker/store/outbox_reader.h"

#include <algorithm>

#include "common/log.h"

namespace wg::store {
namespace {

constexpr std::int64_t kOutboxSchema = 5;  // schema.h: outbox, bridge_cursors

}  // namespace

StoredOutboxReader::StoredOutboxReader(const std::filesystem::path& database, std::string bridge,
                                       const DatabaseOptions& options)
    : bridge_{std::move(bridge)},
      database_{Database::open_reader(database, kOutboxSchema, options)},
      select_after_{database_,
                    "SELECT id, topic, payload, qos, retain, queued_ms FROM outbox WHERE bridge = ?1 AND id > ?2"
                    " ORDER BY id LIMIT ?3"},
      select_oldest_{database_, "SELECT queued_ms FROM outbox WHERE bridge = ?1 ORDER BY id LIMIT 1"},
      select_cursor_{database_, "SELECT liveness_sequence FROM bridge_cursors WHERE bridge = ?1"} {}

std::vector<broker::OutboxRow> StoredOutboxReader::read_after(std::int64_t after, std::size_t max) {
    std::vector<broker::OutboxRow> rows;
    try {
        select_after_.reset();
        select_after_.bind_text(1, bridge_);
        select_after_.bind_int64(2, after);
        select_after_.bind_int64(3, static_cast<std::int64_t>(max));
        while (select_after_.step()) {
            broker::OutboxRow row;
            row.id = select_after_.column_int64(0);
            row.topic = select_after_.column_text(1);
            row.payload = select_after_.column_blob(2);
            row.qos = static_cast<std::uint8_t>(std::clamp<std::int64_t>(select_after_.column_int64(3), 0, 2));
            row.retain = select_after_.column_int64(4) != 0;
            row.queued_ms = select_after_.column_int64(5);
            rows.push_back(std::move(row));
        }
    } catch (const StoreError& error) {
        select_after_.reset();
        log::warning("bridge " + bridge_ + ": cannot read the outbox: " + error.what());
    }
    return rows;
}

std::optional<std::int64_t> StoredOutboxReader::oldest_queued_ms() {
    try {
        select_oldest_.reset();
        select_oldest_.bind_text(1, bridge_);
        if (!select_oldest_.step()) return std::nullopt;
        const std::int64_t queued_ms = select_oldest_.column_int64(0);
        select_oldest_.reset();
        return queued_ms;
    } catch (const StoreError& error) {
        select_oldest_.reset();
        log::warning("bridge " + bridge_ + ": cannot read the outbox: " + error.what());
        return std::nullopt;
    }
}

std::optional<std::int64_t> StoredOutboxReader::liveness_cursor() {
    try {
        select_cursor_.reset();
        select_cursor_.bind_text(1, bridge_);
        if (!select_cursor_.step()) return std::nullopt;
        const std::int64_t sequence = select_cursor_.column_int64(0);
        select_cursor_.reset();
        return sequence;
    } catch (const StoreError& error) {
        select_cursor_.reset();
        log::warning("bridge " + bridge_ + ": cannot read the liveness cursor: " + error.what());
        return std::nullopt;
    }
}

}  // namespace wg::store
