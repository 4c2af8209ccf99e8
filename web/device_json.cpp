#include "web/device_json.h"

#include "web/text_encoding.h"

namespace wg::web {
namespace {

void write_payload(JsonWriter& json, const std::string& payload) {
    if (is_valid_utf8(payload)) {
        json.member("payload", payload).member("payload_encoding", "utf-8");
    } else {
        json.member("payload", base64_encode(payload)).member("payload_encoding", "base64");
    }
}

}  // namespace

const char* protocol_name(std::uint8_t protocol_version) {
    switch (protocol_version) {
        case 3:
            return "3.1";
        case 4:
            return "3.1.1";
        case 5:
            return "5.0";
        default:
            return "unknown";
    }
}

void write_device(JsonWriter& json, const liveness::DeviceStatus& device) {
    json.begin_object()
        .member("client_id", device.client_id)
        .member("state", device.online ? "online" : "offline")
        .member("online", device.online)
        .member("since_ms", device.since_ms)
        .member("last_seen_ms", device.last_seen_ms)
        .member("peer", device.peer)
        .member("username", device.username)
        .member("protocol", protocol_name(device.protocol_version))
        .member("keep_alive", device.keep_alive)
        .member("clean_session", device.clean_session);
    json.key("will");
    if (device.will) {
        json.begin_object()
            .member("topic", device.will->topic)
            .member("qos", device.will->qos)
            .member("retain", device.will->retain)
            .member("delay_seconds", device.will->delay_seconds)
            .member("payload_size", device.will->payload_size)
            .end_object();
    } else {
        json.null();
    }
    json.member("last_cause", device.last_cause).member("last_reason", device.last_reason);
    json.key("last_will");
    if (device.last_will) {
        json.begin_object().member("topic", device.last_will->topic);
        write_payload(json, device.last_will->payload);
        json.member("at_ms", device.last_will->at_ms).end_object();
    } else {
        json.null();
    }
    json.key("counters")
        .begin_object()
        .member("messages_received", device.messages_received)
        .member("messages_sent", device.messages_sent)
        .member("bytes_received", device.bytes_received)
        .member("bytes_sent", device.bytes_sent)
        .end_object();
    json.end_object();
}

void write_transition(JsonWriter& json, const liveness::Transition& transition) {
    json.begin_object()
        .member("sequence", transition.sequence)
        .member("client_id", transition.client_id)
        .member("at_ms", transition.at_ms)
        .member("online", transition.online)
        .member("cause", transition.cause)
        .member("reason", transition.reason)
        .member("peer", transition.peer)
        .member("will_published", transition.will_published)
        .end_object();
}

void write_broker_status(JsonWriter& json, const broker::BrokerStatus& status, std::int64_t now_ms) {
    const auto counts = [&json](const char* name, const std::map<std::string, std::uint64_t>& by_name) {
        json.key(name).begin_object();
        for (const auto& [cause, count] : by_name) {
            json.member(cause, count);
        }
        json.end_object();
    };
    json.begin_object()
        .member("version", status.version)
        .member("started_ms", status.started_ms)
        .member("updated_ms", status.updated_ms)
        .member("uptime_seconds", status.started_ms > 0 ? (now_ms - status.started_ms) / 1000 : std::int64_t{0})
        .member("clients_connected", status.clients_connected)
        .member("clients_disconnected", status.clients_disconnected)
        .member("clients_total", status.clients_total)
        .member("subscriptions", status.subscriptions)
        .member("retained_messages", status.retained_messages)
        .member("messages_received", status.messages_received)
        .member("messages_sent", status.messages_sent)
        .member("messages_dropped", status.messages_dropped)
        .member("bytes_received", status.bytes_received)
        .member("bytes_sent", status.bytes_sent)
        .member("wills_published", status.wills_published);
    counts("disconnects_by_cause", status.disconnects_by_cause);
    counts("wills_by_cause", status.wills_by_cause);
    json.key("listeners").begin_array();
    for (const broker::ListenerStatus& listener : status.listeners) {
        json.begin_object()
            .member("address", listener.address)
            .member("connections", listener.connections)
            .member("accepted", listener.accepted)
            .end_object();
    }
    json.end_array();
    json.key("bridges").begin_array();
    for (const broker::BridgeStatus& bridge : status.bridges) {
        json.begin_object()
            .member("name", bridge.name)
            .member("address", bridge.address)
            .member("connected", bridge.connected)
            .member("since_ms", bridge.since_ms)
            .member("last_error", bridge.last_error)
            .member("backlog_messages", bridge.backlog_messages)
            .member("backlog_bytes", bridge.backlog_bytes)
            .member("oldest_queued_ms", bridge.oldest_queued_ms)
            .member("sent", bridge.sent)
            .member("acked", bridge.acked)
            .member("dropped", bridge.dropped)
            .member("rejected", bridge.rejected)
            .member("received", bridge.received)
            .end_object();
    }
    json.end_array().end_object();
}

}  // namespace wg::web
