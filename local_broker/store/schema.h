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
// Version 2 (persistent sessions):
//   sessions(client_id TEXT PRIMARY KEY, expiry_s INTEGER, expires_ms INTEGER NULL)
//     expires_ms NULL while the session's client is connected, or when it never
//     expires (expiry_s 4294967295).
//   subscriptions(client_id, filter, qos, no_local, retain_as_published,
//                 identifier; PRIMARY KEY(client_id, filter))
//   deliveries(client_id, id, topic, payload, message_qos, message_retain,
//              properties, expires_ms NULL, will, qos, retain, identifiers,
//              shared_name, packet_id, state; PRIMARY KEY(client_id, id))
//     a QoS 1/2 message for a session: queued (packet_id 0) or in flight
//     (state 0 awaiting PUBACK, 1 PUBREC, 2 PUBCOMP); id gives the order;
//     identifiers are 4-byte big-endian Subscription Identifiers.
//   incoming_qos2(client_id, packet_id): QoS 2 messages received from the
//     client whose PUBREL has not arrived.
// Version 3 (device liveness):
//   devices(client_id TEXT PRIMARY KEY, online, since_ms, last_seen_ms, peer,
//           username, protocol_version, keep_alive, clean_session,
//           will_topic/qos/retain/delay_s/payload_size NULL (no Will),
//           last_cause, last_reason, last_will_topic/payload/ms NULL (none
//           published yet), messages_received/sent, bytes_received/sent
//           (over all its connections), base_messages_received/... (the
//           totals when the current connection began))
//     every client id the broker accepted a connection from, until forgotten.
//   device_history(id INTEGER PRIMARY KEY AUTOINCREMENT, client_id, at_ms,
//                  online, cause, reason, peer, will_published)
//     one row per online/offline transition; id is the change stream's
//     sequence number (AUTOINCREMENT: never reused, even after deletes).
// Version 4 (the cloud bridges' outbox):
//   outbox(id INTEGER PRIMARY KEY AUTOINCREMENT, bridge, topic, payload, qos,
//          retain, queued_ms); index (bridge, id)
//     a message on its way to a bridge's cloud broker, topic already mapped;
//     deleted when the cloud acknowledges it, or by the overflow policy.
//   outbox_rejected(id, bridge, topic, payload, qos, retain, queued_ms,
//                   rejected_ms, reason)
//     a message the cloud refused for good, set aside with the reason.
// Version 5 (liveness to the cloud):
//   bridge_cursors(bridge TEXT PRIMARY KEY, liveness_sequence)
//     the last device_history id a bridge has queued as outbox messages.
// Times are milliseconds since the Unix epoch; properties are properties_blob.h
// blobs.

#include <span>
#include <string_view>

namespace wg::store {

std::span<const std::string_view> broker_schema();

}  // namespace wg::store
