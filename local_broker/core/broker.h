#pragma once
// The MQTT broker's logic, independent of sockets: connections and sessions,
// the subscription tree, retained messages, QoS 1/2 flows, Wills and
// keep-alive.
//
// Threading: single-threaded. Every call happens on the event-loop thread that
// owns the broker; other threads post work to that loop.
//
// Driving it: the network layer calls open() for each accepted socket, then
// on_packet() for each decoded packet, on_decode_error() when bytes do not form
// a valid packet, and on_closed() when the socket fails or the peer closes it.
// tick() runs the timers (keep-alive, connect deadline). The broker answers
// through ClientLink::write() and ends connections with ClientLink::close();
// after that call the Connection pointer is gone and the network layer must not
// use it.
//
// Errors: a protocol violation closes that connection only (its Will is
// published), is logged once with client id, peer and reason, and is reported to
// the observers.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "local_broker/codec/codec.h"
#include "local_broker/core/broker_settings.h"
#include "local_broker/core/connection.h"
#include "local_broker/core/persistence.h"
#include "local_broker/core/retained_store.h"
#include "local_broker/core/session.h"
#include "local_broker/core/subscription_tree.h"
#include "local_broker/core/will_registry.h"
#include "willgate/local_publisher.h"
#include "willgate/connection_events.h"
#include "willgate/message_tap.h"
#include "willgate/retained_source.h"

namespace wg::core {

struct BrokerStats {
    std::size_t connections = 0;         // open network connections
    std::size_t clients_connected = 0;   // connections whose CONNECT was accepted
    std::size_t sessions = 0;            // sessions, online and offline
    std::size_t subscriptions = 0;
    std::size_t retained_messages = 0;
    std::uint64_t messages_received = 0;
    std::uint64_t messages_sent = 0;
    std::uint64_t messages_dropped = 0;  // QoS 0 to slow clients, QoS 1/2 beyond the queue limit
    std::uint64_t wills_published = 0;
    // Since start, by cause name: connections that ended (broker::cause_name()),
    // and Wills published (the cause of their connection's end, or
    // "will-delay-elapsed", "session-ended", "gateway-restart").
    std::map<std::string, std::uint64_t, std::less<>> disconnects_by_cause;
    std::map<std::string, std::uint64_t, std::less<>> wills_by_cause;
};

class Broker {
public:
    Broker(BrokerSettings settings, const Clock& clock);
    ~Broker();
    Broker(const Broker&) = delete;
    Broker& operator=(const Broker&) = delete;

    void add_observer(broker::ConnectionObserver& observer);
    // Retained messages kept elsewhere (willgate/retained_source.h); must outlive the broker's use of it.
    void add_retained_source(broker::RetainedSource& source) { retained_sources_.push_back(&source); }
    // Sees every routed message (willgate/message_tap.h); must outlive the broker's use of it.
    // A tap that keeps a durable copy needs set_persistence(): its writes are
    // what a QoS 1/2 acknowledgement then waits for.
    void add_message_tap(broker::MessageTap& tap) { taps_.push_back(&tap); }

    // A new network connection. The returned pointer is valid until the broker
    // calls link.close().
    Connection* open(ClientLink& link);

    // The protocol version the decoder must use for this connection.
    codec::ProtocolVersion version(const Connection& connection) const { return connection.version; }

    void on_packet(Connection& connection, codec::Packet&& packet);
    void on_decode_error(Connection& connection, const codec::DecodeError& error);

    // The socket is gone (peer closed it, or an I/O error). Closes the connection
    // with `cause`, publishing its Will.
    void on_closed(Connection& connection, broker::DisconnectCause cause, std::string reason);

    // Runs the timers: connect deadlines, keep-alive, due Wills, session expiry.
    void tick();

    // Closes every connection (MQTT 5 clients get DISCONNECT 0x8B; their Wills are
    // published: none sent DISCONNECT).
    void shutdown();

    BrokerStats stats() const;

    // Tells the observers what each connected client did since the last call
    // (only those that sent a packet since): last seen and counters.
    void report_activity();

    // Publishes a message of the broker's own (QoS 0, from no client), e.g. its
    // $SYS topics. A retained one under $SYS/ is kept in memory only: it is
    // published again after a restart.
    void publish_local(std::string topic, std::string payload, bool retain);
    // A message from outside (a bridge's downlink, willgate/local_publisher.h),
    // routed like a device's PUBLISH of its QoS; `origin`'s tap does not see it.
    void publish_local(broker::LocalMessage message, const broker::MessageTap* origin);

    // Durable storage for Wills, retained messages and persistent sessions; null
    // keeps them in memory only. Set before the first connection; must outlive the broker's use of it.
    void set_persistence(Persistence* persistence) { persistence_ = persistence; }

    // Start-up, before any connection: the persistent sessions (offline, with
    // their subscriptions, queued and in-flight messages), the retained
    // messages, and the Wills of connections the previous run lost by stopping
    // uncleanly. A held Will is released now (its connection is gone); a pending
    // one keeps its deadline. Returns how many Wills were published at once.
    std::size_t restore(StoredState state);

    // Every operation up to `sequence` is committed: output held for them goes out.
    void on_persisted(std::uint64_t sequence);

    // A commit failed: the acknowledgements waiting for commits are thrown away
    // and those clients disconnected (MQTT 5: 0x97), so nothing is acknowledged
    // that is not stored.
    void on_persist_failed();

    // The bytes queued to `connection` fell below half the output limit (after
    // ClientLink::notify_when_drained()).
    void on_output_drained(Connection& connection);

private:
    // broker_connect.cpp
    void handle_connect(Connection& connection, codec::Connect& connect);
    void refuse_connect(Connection& connection, codec::ReasonCode reason, const std::string& detail);
    Session& attach_session(Connection& connection, const std::string& client_id, bool clean_start,
                            std::uint32_t expiry_interval, bool& session_present);
    codec::Connack make_connack(const Connection& connection, bool session_present, bool id_assigned,
                                std::uint16_t server_keep_alive) const;
    void resume_session(Session& session);
    std::string assign_client_id();

    // broker_close.cpp
    void handle_disconnect(Connection& connection, const codec::Disconnect& disconnect);
    // Closes `connection`; an MQTT 5 client first gets DISCONNECT `reason` where
    // the cause has one (server-initiated closes).
    void close(Connection& connection, broker::DisconnectCause cause, const std::string& detail,
               std::optional<codec::ReasonCode> reason = std::nullopt);
    void protocol_error(Connection& connection, codec::ReasonCode reason, const std::string& detail);
    void detach_session(Connection& connection);
    void destroy_session(Session& session);
    // `why`: counted in BrokerStats::wills_by_cause.
    void publish_will(const std::string& client_id, codec::Will& will, std::string_view why);
    broker::ConnectionActivity activity(const Connection& connection) const;
    Clock::time_point last_activity_report_{};
    void count(std::map<std::string, std::uint64_t, std::less<>>& counts, std::string_view name);
    void persist_retained(const Message& message);
    Persistence* persistence_ = nullptr;
    void hold_until_persisted(Connection& connection);
    // Persistent sessions (broker_persistence.cpp). Each does nothing for a
    // session that is not stored.
    void store_session(Session& session);
    void store_delivery(Session& session, OutgoingMessage& outgoing, std::uint16_t packet_id, InflightState state);
    void unstore_delivery(Session& session, const OutgoingMessage& outgoing);
    void restore_session(StoredSession& stored);
    std::optional<WallClock::time_point> wall_time(std::optional<Clock::time_point> steady) const;
    bool stored_while_routing_ = false;  // a delivery or a tap's copy was stored: the publisher's ack waits for it
    struct HeldOutput {
        std::uint64_t sequence;
        std::uint64_t connection_id;
    };
    std::deque<HeldOutput> held_output_;  // in sequence order
    // `announce`: log each one (Wills that waited for their delay; the others
    // are part of their connection's "disconnected ... will=published" line).
    void publish_due_wills(std::string_view why, bool announce = false);
    void expire_sessions();

    // broker_routing.cpp
    void handle_publish(Connection& connection, codec::Publish& publish);
    void handle_puback(Connection& connection, std::uint16_t packet_id);
    void handle_pubrec(Connection& connection, std::uint16_t packet_id, codec::ReasonCode reason);
    void handle_pubrel(Connection& connection, std::uint16_t packet_id);
    void handle_pubcomp(Connection& connection, std::uint16_t packet_id);
    bool resolve_topic_alias(Connection& connection, codec::Publish& publish);

    // broker_delivery.cpp
    // Routes to every matching subscription; returns how many sessions it reached.
    std::size_t route(const MessagePtr& message, const Session* origin = nullptr);
    bool offer_to_taps(const Message& message);  // true: a tap kept a copy
    bool deliver_shared(SharedGroup& group, const MessagePtr& message, const Session* origin,
                        const Session* exclude);
    void deliver(Session& session, OutgoingMessage outgoing);
    bool start_inflight(Session& session, OutgoingMessage&& outgoing);
    bool send_publish(Connection& connection, const OutgoingMessage& outgoing, std::uint16_t packet_id, bool dup);
    void fill_inflight(Session& session);
    void redistribute_shared(Session& session);
    std::size_t inflight_window(const Connection& connection) const;

    // broker_flow_control.cpp
    void congest(Session& session);
    void check_drained(Session& session);
    void release_publishers(Session& session);
    void release_stalled();

    // broker_subscribe.cpp
    void handle_subscribe(Connection& connection, const codec::Subscribe& subscribe);
    void handle_unsubscribe(Connection& connection, const codec::Unsubscribe& unsubscribe);
    bool valid_filter(std::string_view filter) const;

    void send(Connection& connection, const codec::Packet& packet);

    BrokerSettings settings_;
    const Clock& clock_;
    std::vector<broker::ConnectionObserver*> observers_;
    std::vector<broker::RetainedSource*> retained_sources_;
    std::vector<broker::MessageTap*> taps_;

    std::unordered_map<std::uint64_t, std::unique_ptr<Connection>> connections_;
    std::unordered_map<std::string, std::unique_ptr<Session>> sessions_;
    SubscriptionTree subscriptions_;
    RetainedStore retained_;
    WillRegistry wills_;

    std::uint64_t next_connection_id_ = 1;
    std::uint64_t next_assigned_id_ = 1;
    std::uint64_t match_stamp_ = 0;
    Clock::time_point next_expiry_check_{};
    std::vector<std::uint8_t> scratch_;  // encode buffer, reused
    codec::Properties publish_properties_;  // per-delivery MQTT 5 properties, reused
    std::vector<Session*> match_scratch_;
    std::vector<SharedGroup*> group_scratch_;
    Connection* current_publisher_ = nullptr;  // whose PUBLISH is being routed
    std::vector<Session*> congested_;           // sessions holding publishers back
    BrokerStats counters_;
};

}  // namespace wg::core
