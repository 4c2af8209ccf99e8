#include "web/metrics_text.h"

#include <map>

namespace wg::web {
namespace {

class MetricsBuilder {
public:
    void header(std::string_view name, std::string_view type, std::string_view help) {
        out_.append("# HELP ").append(name).append(" ").append(help).append("\n");
        out_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
    }

    void sample(std::string_view name, std::uint64_t value) {
        out_.append(name).append(" ").append(std::to_string(value)).append("\n");
    }

    void sample(std::string_view name, std::string_view label, std::string_view label_value, std::uint64_t value) {
        out_.append(name).append("{").append(label).append("=\"").append(escape_label_value(label_value));
        out_.append("\"} ").append(std::to_string(value)).append("\n");
    }

    void single(std::string_view name, std::string_view type, std::string_view help, std::uint64_t value) {
        header(name, type, help);
        sample(name, value);
    }

    void labelled(std::string_view name, std::string_view type, std::string_view help, std::string_view label,
                  const std::map<std::string, std::uint64_t>& values) {
        header(name, type, help);
        for (const auto& [label_value, value] : values) {
            sample(name, label, label_value, value);
        }
    }

    std::string take() { return std::move(out_); }

private:
    std::string out_;
};

}  // namespace

std::string escape_label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (const char c : value) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '"':
                out += "\\\"";
                break;
            case '\n':
                out += "\\n";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string metrics_text(const broker::BrokerStatus& status, const DeviceCounts& devices, std::int64_t now_ms) {
    MetricsBuilder metrics;
    metrics.single("willgate_clients_connected", "gauge", "MQTT clients connected now.", status.clients_connected);
    metrics.single("willgate_clients_disconnected", "gauge", "Persistent sessions without a connection.",
                   status.clients_disconnected);
    metrics.single("willgate_subscriptions", "gauge", "Subscriptions of all sessions.", status.subscriptions);
    metrics.single("willgate_retained_messages", "gauge", "Retained messages held.", status.retained_messages);
    metrics.single("willgate_messages_received_total", "counter", "PUBLISH packets received from clients.",
                   status.messages_received);
    metrics.single("willgate_messages_sent_total", "counter", "PUBLISH packets sent to clients.",
                   status.messages_sent);
    metrics.single("willgate_messages_dropped_total", "counter", "Messages dropped (queue overflow, stuck clients).",
                   status.messages_dropped);
    metrics.single("willgate_bytes_received_total", "counter", "Bytes received from MQTT clients.",
                   status.bytes_received);
    metrics.single("willgate_bytes_sent_total", "counter", "Bytes sent to MQTT clients.", status.bytes_sent);
    metrics.labelled("willgate_wills_published_total", "counter", "Wills published, by the cause of the disconnect.",
                     "cause", status.wills_by_cause);
    metrics.labelled("willgate_disconnects_total", "counter", "Client connections ended, by cause.", "cause",
                     status.disconnects_by_cause);
    std::map<std::string, std::uint64_t> listeners;
    for (const broker::ListenerStatus& listener : status.listeners) {
        listeners[listener.address] = listener.connections;
    }
    metrics.labelled("willgate_listener_connections", "gauge", "Connections open now, by listener.", "listener",
                     listeners);
    metrics.labelled("willgate_devices", "gauge", "Devices (MQTT client ids) known to the liveness registry, by state.",
                     "state", {{"offline", devices.offline}, {"online", devices.online}});
    // One series per bridge, labelled with its name.
    const auto per_bridge = [&](std::string_view name, std::string_view type, std::string_view help,
                                std::uint64_t broker::BridgeStatus::*field) {
        std::map<std::string, std::uint64_t> values;
        for (const broker::BridgeStatus& bridge : status.bridges) values[bridge.name] = bridge.*field;
        if (!values.empty()) metrics.labelled(name, type, help, "bridge", values);
    };
    if (!status.bridges.empty()) {
        std::map<std::string, std::uint64_t> connected;
        for (const broker::BridgeStatus& bridge : status.bridges) connected[bridge.name] = bridge.connected ? 1 : 0;
        metrics.labelled("willgate_bridge_connected", "gauge", "1 while the bridge is connected to its cloud broker.",
                         "bridge", connected);
    }
    per_bridge("willgate_bridge_backlog_messages", "gauge", "Messages in the bridge's outbox, not yet acknowledged.",
               &broker::BridgeStatus::backlog_messages);
    per_bridge("willgate_bridge_backlog_bytes", "gauge", "Bytes (topic and payload) in the bridge's outbox.",
               &broker::BridgeStatus::backlog_bytes);
    per_bridge("willgate_bridge_sent_total", "counter", "PUBLISH packets sent to the cloud (re-sends included).",
               &broker::BridgeStatus::sent);
    per_bridge("willgate_bridge_acked_total", "counter", "Messages acknowledged by the cloud.",
               &broker::BridgeStatus::acked);
    per_bridge("willgate_bridge_dropped_total", "counter", "Messages dropped by the outbox's drop-oldest policy.",
               &broker::BridgeStatus::dropped);
    per_bridge("willgate_bridge_rejected_total", "counter", "Messages the cloud refused for good (set aside).",
               &broker::BridgeStatus::rejected);
    per_bridge("willgate_bridge_received_total", "counter", "Downlink messages from the cloud published locally.",
               &broker::BridgeStatus::received);
    const std::int64_t uptime_ms = status.started_ms > 0 && now_ms > status.started_ms ? now_ms - status.started_ms : 0;
    metrics.single("willgate_uptime_seconds", "gauge", "Seconds since the gateway started.",
                   static_cast<std::uint64_t>(uptime_ms / 1000));
    return metrics.take();
}

}  // namespace wg::web
