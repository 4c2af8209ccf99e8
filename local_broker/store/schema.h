#pragma once
// The broker store's schema as forward migrations (Database::open applies
// them): element i takes the schema from version i to version i + 1. Append new
// steps; never edit a released one.
//
// Version 1:
//   wills(client_id TEXT PRIMARY KEY, topic TEXT, payload BLOB, qos INTEGER,
//         retain INTEGER, properties BLOB, delay_s INTEGER, due_ms INTEGER NULL)
//     a Will held for a live connection (due_ms NULL), or pending since its
//     connection ended (due_ms: when it goes out).
//   retained(topic TEXT PRIMARY KEY, payload BLOB, qos INTEGER,
//            properties BLOB, expires_ms INTEGER NULL)
// Times are milliseconds since the Unix epoch; properties are properties_blob.h
// blobs.

#include <span>
#include <string_view>

namespace wg::store {

std::span<const std::string_view> broker_schema();

}  // namespace wg::store
