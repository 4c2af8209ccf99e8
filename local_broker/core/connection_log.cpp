#include "local_broker/core/connection_log.h"

#include <cstdio>

#include "common/log.h"

namespace wg::core {
namespace {

std::string_view version_name(std::uint8_t version) {
    switch (version) {
        case 3: return "3.1";
        case 4: return "3.1.1";
        case 5: return "5.0";
        default: return "unknown";
    }
}

}  // namespace

std::string escape_log_field(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (byte < 0x20 || byte == 0x7F) {
            char hex[5];
            std::snprintf(hex, sizeof hex, "\\x%02x", byte);
            out += hex;
        } else {
            out.push_back(c);
        }
    }
    return out;
}

void log_connected(const broker::ConnectedEvent& event) {
    if (!log::enabled(log::Level::Info)) return;
    std::string line = "connected client=" + escape_log_field(event.client_id) +
                       " peer=" + event.peer + " version=" + std::string(version_name(event.protocol_version)) +
                       " keep_alive=" + std::to_string(event.keep_alive) +
                       " clean_session=" + (event.clean_session ? "1" : "0") +
                       " will=" + (event.will ? escape_log_field(event.will->topic) : std::string("none"));
    if (!event.username.empty()) line += " username=" + escape_log_field(event.username);
    log::info(line);
}

void log_disconnected(const broker::DisconnectedEvent& event) {
    if (!log::enabled(log::Level::Info)) return;
    std::string line = "disconnected client=" + escape_log_field(event.client_id) + " peer=" + event.peer +
                       " cause=" + std::string(broker::cause_name(event.cause)) +
                       " will=" + (event.will_published ? "published" : event.will_delayed ? "delayed" : "none");
    if (!event.reason.empty()) line += " reason=\"" + escape_log_field(event.reason) + "\"";
    log::info(line);
}

void log_closed(const std::string& peer, broker::DisconnectCause cause, const std::string& reason) {
    if (!log::enabled(log::Level::Info)) return;
    std::string line = "closed peer=" + peer + " cause=" + std::string(broker::cause_name(cause));
    if (!reason.empty()) line += " reason=\"" + escape_log_field(reason) + "\"";
    log::info(line);
}

void log_will_published(const std::string& client_id, const std::string& topic) {
    if (!log::enabled(log::Level::Info)) return;
    log::info("will published client=" + escape_log_field(client_id) + " topic=" + escape_log_field(topic) +
              " (after its delay, or its session ended)");
}

void log_queue_full(const std::string& client_id, std::size_t dropped, std::size_t limit) {
    // The first drop and then every 1000th, so a stuck client cannot flood the log.
    if (dropped != 1 && dropped % 1000 != 0) return;
    log::warning("queue full client=" + escape_log_field(client_id) + " limit=" + std::to_string(limit) +
                 " dropped=" + std::to_string(dropped) + " (QoS 1/2 messages to this client are being dropped)");
}

}  // namespace wg::core
