#pragma once
// The broker's log lines about connections: one line when a CONNECT is
// accepted, one when a session's connection ends, one for a connection that
// ended before its CONNECT was accepted. Client-supplied text is escaped so a
// client id cannot forge log lines.

#include <cstddef>
#include <string>
#include <string_view>

#include "local_broker/codec/packet.h"
#include "willgate/connection_events.h"

namespace wg::core {

void log_connected(const broker::ConnectedEvent& event);
void log_disconnected(const broker::DisconnectedEvent& event);
void log_closed(const std::string& peer, broker::DisconnectCause cause, const std::string& reason);
void log_will_published(const std::string& client_id, const std::string& topic);
void log_queue_full(const std::string& client_id, std::size_t dropped, std::size_t limit);

// Escapes control characters, quotes and backslashes for a log field.
std::string escape_log_field(std::string_view text);

}  // namespace wg::core
