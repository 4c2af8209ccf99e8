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

constexpr std::array<std::string_view, 1> kMigrations{kVersion1};

}  // namespace

std::span<const std::string_view> broker_schema() { return kMigrations; }

}  // namespace wg::store
