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

constexpr std::array<std::string_view, 2> kMigrations{kVersion1, kVersion2};

}  // namespace

std::span<const std::string_view> broker_schema() { return kMigrations; }

}  // namespace wg::store
