#include "local_broker/store/schema.h"

#include <array>

namespace wg::store {
namespace {

constexpr std::string_view kVersion1 = R"sql(
CREATE TABLE wills(
    client_id TEXT PRIMARY KEY NOT NULL,
    topic TEXT NOT NULL,
    payload BLOB NOT NULL,
    qos INTEGER NOT NULL,
    retain INTEGER NOT NULL,
    properties BLOB,
    delay_s INTEGER NOT NULL,
    due_ms INTEGER
);
CREATE TABLE retained(
    topic TEXT PRIMARY KEY NOT NULL,
    payload BLOB NOT NULL,
    qos INTEGER NOT NULL,
    properties BLOB,
    expires_ms INTEGER
);
)sql";

constexpr std::string_view kVersion2 = R"sql(
CREATE TABLE sessions(
    client_id TEXT PRIMARY KEY NOT NULL,
    expiry_s INTEGER NOT NULL,
    expires_ms INTEGER
);
CREATE TABLE subscriptions(
    client_id TEXT NOT NULL,
    filter TEXT NOT NULL,
    qos INTEGER NOT NULL,
    no_local INTEGER NOT NULL,
    retain_as_published INTEGER NOT NULL,
    identifier INTEGER NOT NULL,
    PRIMARY KEY(client_id, filter)
) WITHOUT ROWID;
CREATE TABLE deliveries(
    client_id TEXT NOT NULL,
    id INTEGER NOT NULL,
    topic TEXT NOT NULL,
    payload BLOB NOT NULL,
    message_qos INTEGER NOT NULL,
    message_retain INTEGER NOT NULL,
    properties BLOB,
    expires_ms INTEGER,
    will INTEGER NOT NULL,
    qos INTEGER NOT NULL,
    retain INTEGER NOT NULL,
    identifiers BLOB,
    shared_name TEXT NOT NULL,
    packet_id INTEGER NOT NULL,
    state INTEGER NOT NULL,
    PRIMARY KEY(client_id, id)
);
CREATE TABLE incoming_qos2(
    client_id TEXT NOT NULL,
    packet_id INTEGER NOT NULL,
    PRIMARY KEY(client_id, packet_id)
) WITHOUT ROWID;
)sql";

constexpr std::string_view kVersion3 = R"sql(
CREATE TABLE devices(
    client_id TEXT PRIMARY KEY NOT NULL,
    online INTEGER NOT NULL,
    since_ms INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL DEFAULT 0,
    peer TEXT NOT NULL DEFAULT '',
    username TEXT NOT NULL DEFAULT '',
    protocol_version INTEGER NOT NULL DEFAULT 4,
    keep_alive INTEGER NOT NULL DEFAULT 0,
    clean_session INTEGER NOT NULL DEFAULT 1,
    will_topic TEXT,
    will_qos INTEGER,
    will_retain INTEGER,
    will_delay_s INTEGER,
    will_payload_size INTEGER,
    last_cause TEXT NOT NULL DEFAULT '',
    last_reason TEXT NOT NULL DEFAULT '',
    last_will_topic TEXT,
    last_will_payload BLOB,
    last_will_ms INTEGER,
    messages_received INTEGER NOT NULL DEFAULT 0,
    messages_sent INTEGER NOT NULL DEFAULT 0,
    bytes_received INTEGER NOT NULL DEFAULT 0,
    bytes_sent INTEGER NOT NULL DEFAULT 0,
    base_messages_received INTEGER NOT NULL DEFAULT 0,
    base_messages_sent INTEGER NOT NULL DEFAULT 0,
    base_bytes_received INTEGER NOT NULL DEFAULT 0,
    base_bytes_sent INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE device_history(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    online INTEGER NOT NULL,
    cause TEXT NOT NULL,
    reason TEXT NOT NULL,
    peer TEXT NOT NULL,
    will_published INTEGER NOT NULL
);
CREATE INDEX device_history_by_client ON device_history(client_id, at_ms);
CREATE INDEX device_history_by_time ON device_history(at_ms);
)sql";

// The cloud bridges' outbox: AUTOINCREMENT, so that ids only grow and a
// bridge's read cursor never meets a reused id.
constexpr std::string_view kVersion4 = R"sql(
CREATE TABLE outbox(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    bridge TEXT NOT NULL,
    topic TEXT NOT NULL,
    payload BLOB NOT NULL,
    qos INTEGER NOT NULL,
    retain INTEGER NOT NULL,
    queued_ms INTEGER NOT NULL
);
CREATE INDEX outbox_by_bridge ON outbox(bridge, id);
CREATE TABLE outbox_rejected(
    id INTEGER PRIMARY KEY,
    bridge TEXT NOT NULL,
    topic TEXT NOT NULL,
    payload BLOB NOT NULL,
    qos INTEGER NOT NULL,
    retain INTEGER NOT NULL,
    queued_ms INTEGER NOT NULL,
    rejected_ms INTEGER NOT NULL,
    reason TEXT NOT NULL
);
)sql";

// How far each bridge has turned the liveness change stream into outbox rows.
constexpr std::string_view kVersion5 = R"sql(
CREATE TABLE bridge_cursors(
    bridge TEXT PRIMARY KEY,
    liveness_sequence INTEGER NOT NULL
);
)sql";

constexpr std::array<std::string_view, 5> kMigrations{kVersion1, kVersion2, kVersion3, kVersion4, kVersion5};

}  // namespace

std::span<const std::string_view> broker_schema() { return kMigrations; }

}  // namespace wg::store
