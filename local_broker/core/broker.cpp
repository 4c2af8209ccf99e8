#include "local_broker/core/broker.h"

#include <algorithm>
#include <type_traits>
#include <utility>

#include "local_broker/core/connection_log.h"

namespace wg::core {

using codec::ReasonCode;

Broker::Broker(BrokerSettings settings, const Clock& clock) : settings_(settings), clock_(clock) {}

Broker::~Broker() = default;

void Broker::add_observer(broker::ConnectionObserver& observer) { observers_.push_back(&observer); }

Connection* Broker::open(ClientLink& link) {
    const std::uint64_t id = next_connection_id_++;
    auto connection = std::make_unique<Connection>(id, link, KeepAlive(clock_.now(), settings_.connect_timeout));
    Connection* raw = connection.get();
    connections_.emplace(id, std::move(connection));
    return raw;
}

void Broker::on_packet(Connection& connection, codec::Packet&& packet) {
    connection.keep_alive.touch();
    if (!connection.connected) {
        if (auto* connect = std::get_if<codec::Connect>(&packet)) {
            handle_connect(connection, *connect);
        } else {
            protocol_error(connection, ReasonCode::ProtocolError, "first packet is not CONNECT");
        }
        return;
    }
    std::visit(
        [&](auto& p) {
            using T = std::decay_t<decltype(p)>;
            if constexpr (std::is_same_v<T, codec::Connect>) {
                protocol_error(connection, ReasonCode::ProtocolError, "second CONNECT");
            } else if constexpr (std::is_same_v<T, codec::Publish>) {
                handle_publish(connection, p);
            } else if constexpr (std::is_same_v<T, codec::Puback>) {
                handle_puback(connection, p.packet_id);
            } else if constexpr (std::is_same_v<T, codec::Pubrec>) {
                handle_pubrec(connection, p.packet_id, p.reason);
            } else if constexpr (std::is_same_v<T, codec::Pubrel>) {
                handle_pubrel(connection, p.packet_id);
            } else if constexpr (std::is_same_v<T, codec::Pubcomp>) {
                handle_pubcomp(connection, p.packet_id);
            } else if constexpr (std::is_same_v<T, codec::Subscribe>) {
                handle_subscribe(connection, p);
            } else if constexpr (std::is_same_v<T, codec::Unsubscribe>) {
                handle_unsubscribe(connection, p);
            } else if constexpr (std::is_same_v<T, codec::Pingreq>) {
                send(connection, codec::Pingresp{});
            } else if constexpr (std::is_same_v<T, codec::Disconnect>) {
                handle_disconnect(connection, p);
            } else if constexpr (std::is_same_v<T, codec::Auth>) {
                // Only meaningful after CONNECT named an authentication method, which
                // this broker refuses (4.12).
                protocol_error(connection, ReasonCode::ProtocolError, "AUTH without an authentication method");
            } else {
                // CONNACK, SUBACK, UNSUBACK, PINGRESP only travel from server to client.
                protocol_error(connection, ReasonCode::ProtocolError,
                               "unexpected " + std::string(codec::packet_name(codec::packet_type(packet))) +
                                   " from a client");
            }
        },
        packet);
}

void Broker::on_decode_error(Connection& connection, const codec::DecodeError& error) {
    if (!connection.connected) {
        if (error.connect_version == codec::ProtocolVersion::Mqtt5) {
            // MQTT 5: a CONNACK with the reason, then close (3.1.4).
            connection.version = codec::ProtocolVersion::Mqtt5;
            refuse_connect(connection, error.reason, error.message);
            return;
        }
        if (error.reason == ReasonCode::UnsupportedProtocolVersion) {
            // 3.1.1 (MQTT-3.1.2-2): answer CONNACK 0x01 before closing.
            refuse_connect(connection, error.reason, error.message);
            return;
        }
    }
    protocol_error(connection, error.reason, error.message);
}

void Broker::on_closed(Connection& connection, broker::DisconnectCause cause, std::string reason) {
    close(connection, cause, reason);
}

void Broker::tick() {
    const auto now = clock_.now();
    std::vector<std::uint64_t> expired;
    for (const auto& [id, connection] : connections_)
        if (connection->keep_alive.expired(now)) expired.push_back(id);
    for (std::uint64_t id : expired) {
        auto it = connections_.find(id);
        if (it == connections_.end()) continue;
        Connection& connection = *it->second;
        if (connection.connected) {
            close(connection, broker::DisconnectCause::KeepAliveTimeout,
                  "no packet within 1.5 x keep alive (" + std::to_string(connection.keep_alive.limit().count()) +
                      " ms)");
        } else {
            close(connection, broker::DisconnectCause::ConnectTimeout,
                  "no CONNECT within " + std::to_string(connection.keep_alive.limit().count()) + " ms");
        }
    }
    publish_due_wills("will-delay-elapsed", true);
    expire_sessions();
    release_stalled();
}

void Broker::shutdown() {
    std::vector<std::uint64_t> ids;
    ids.reserve(connections_.size());
    for (const auto& entry : connections_) ids.push_back(entry.first);
    // None of these connections sent DISCONNECT, so their Wills go out; first,
    // while every subscriber is still connected to receive them. Sessions end
    // with the process, so no Will waits for its delay.
    for (std::uint64_t id : ids) {
        Connection& connection = *connections_.at(id);
        if (!connection.connected || !connection.has_will) continue;
        wills_.release(connection.session->client_id, clock_.now(), std::chrono::seconds(0));
        connection.has_will = false;
        connection.will_published = true;
    }
    publish_due_wills(broker::cause_name(broker::DisconnectCause::ServerShutdown));
    for (std::uint64_t id : ids) {
        auto it = connections_.find(id);
        if (it != connections_.end()) close(*it->second, broker::DisconnectCause::ServerShutdown, "gateway stopping");
    }
    // Sessions end with the process: Wills still waiting for their delay go out now.
    for (auto& due : wills_.take_due(WillRegistry::time_point::max()))
        publish_will(due.client_id, due.will, "session-ended");
}

broker::ConnectionActivity Broker::activity(const Connection& connection) const {
    const auto since = clock_.now() - connection.keep_alive.last_activity();
    return broker::ConnectionActivity{
        clock_.wall_now() - std::chrono::duration_cast<std::chrono::system_clock::duration>(since),
        connection.messages_received, connection.messages_sent, connection.link.bytes_received(),
        connection.link.bytes_sent()};
}

void Broker::report_activity() {
    const auto previous = last_activity_report_;
    last_activity_report_ = clock_.now();
    if (observers_.empty()) return;
    for (const auto& [id, connection] : connections_) {
        if (!connection->connected || connection->keep_alive.last_activity() <= previous) continue;
        const broker::ActivityEvent event{connection->session->client_id, activity(*connection)};
        for (auto* observer : observers_) observer->on_activity(event);
    }
}

void Broker::publish_local(std::string topic, std::string payload, bool retain) {
    route(make_message(std::move(topic), std::move(payload), codec::QoS::AtMostOnce, retain));
}

void Broker::publish_local(broker::LocalMessage message, const broker::MessageTap* origin) {
    route(std::make_shared<const Message>(Message{std::move(message.topic), std::move(message.payload),
                                                  static_cast<codec::QoS>(std::min<std::uint8_t>(message.qos, 2)),
                                                  message.retain, {}, {}, false, origin}));
}

BrokerStats Broker::stats() const {
    BrokerStats stats = counters_;
    stats.connections = connections_.size();
    stats.clients_connected = static_cast<std::size_t>(std::count_if(
        connections_.begin(), connections_.end(), [](const auto& entry) { return entry.second->connected; }));
    stats.sessions = sessions_.size();
    stats.subscriptions = subscriptions_.subscription_count();
    stats.retained_messages = retained_.size();
    return stats;
}

void Broker::send(Connection& connection, const codec::Packet& packet) {
    scratch_.clear();
    codec::encode(packet, connection.version, scratch_);
    if (connection.maximum_packet_size != 0 && scratch_.size() > connection.maximum_packet_size) {
        // MQTT-3.1.2-24: nothing bigger than the client's Maximum Packet Size. The
        // Reason String and User Properties are what may go (3.1.2.11.4); if it
        // still does not fit, the packet is not sent.
        codec::Packet trimmed = packet;
        std::visit(
            [](auto& p) {
                if constexpr (requires { p.properties; }) {
                    p.properties.reason_string.reset();
                    p.properties.user_properties.clear();
                }
            },
            trimmed);
        scratch_.clear();
        codec::encode(trimmed, connection.version, scratch_);
        if (scratch_.size() > connection.maximum_packet_size) return;
    }
    connection.link.write(scratch_);
}

}  // namespace wg::core
