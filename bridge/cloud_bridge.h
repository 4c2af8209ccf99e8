#pragma once
// One bridge to a cloud MQTT broker: forwards the messages its rules select
// (kept in the durable outbox by OutboxTap) over an Eclipse Paho MQTT C++
// connection, at least once, in outbox order, with a window of unacknowledged
// PUBLISH; a row is deleted only when the cloud acknowledges it.
//
// Life cycle (gateway thread):
//   CloudBridge bridge{settings, clock, store, std::move(reader), {&liveness, &local}, std::move(profile)};
//   broker.add_message_tap(bridge.tap());     // before the broker restores and starts
//   bridge.start();                           // after the broker: starts the bridge's thread
//   ... store commits -> bridge.notify_committed(sequence) (any thread)
//   bridge.stop();                            // disconnects; what is unacknowledged stays in the outbox
//
// Liveness: with [bridge.liveness], a LivenessFeed (its own thread) turns every
// device change into outbox messages. Downlink: on each connect the bridge
// subscribes to its downlink filters; what arrives is published on the local
// broker (willgate/local_publisher.h), never back to this bridge's cloud.
// Cloud profile (cloud_profile.h): adjusts the settings once, may change them
// for each connection attempt, guards each message before it is published,
// translates local messages, formats liveness and handles its cloud messages.
// Rate limit: messages are held back (not dropped) to max_messages_per_second
// and max_bytes_per_second.
//
// Threading: one thread of its own does everything with the outbox reader and
// the Paho client; Paho's callbacks (Paho's threads) only queue events for it,
// except downlink messages, which go to the local publisher directly.
// tap() runs on the broker's thread; status() and notify_committed() on any.
//
// Errors: connection failures (refused, unreachable, TLS) are logged with the
// cause and retried after a back-off with jitter that grows with the outage
// (reconnect_initial .. reconnect_max); the local broker is never held up. A
// message the cloud refuses for good (MQTT 5 PUBACK >= 0x80, or one Paho
// cannot send at all) is moved to outbox_rejected with the reason, counted and
// logged, and the queue goes on.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "bridge/backoff.h"
#include "bridge/cloud_profile.h"
#include "bridge/bridge_settings.h"
#include "bridge/delivery_window.h"
#include "bridge/downlink_rules.h"
#include "bridge/liveness_feed.h"
#include "bridge/outbox_tap.h"
#include "bridge/rate_limiter.h"
#include "common/clock.h"
#include "willgate/bridge_status.h"
#include "willgate/liveness.h"
#include "willgate/local_publisher.h"
#include "willgate/outbox.h"

namespace mqtt {
class async_client;
class connect_options;
class token;
}

namespace wg::bridge {

// The gateway's parts a bridge may use; null when the bridge has no use for them.
struct BridgePorts {
    liveness::LivenessReader* liveness = nullptr;  // [bridge.liveness], profiles' liveness
    broker::LocalPublisher* local = nullptr;       // downlink rules, profiles' commands
};

class CloudBridge final : private ProfileSink {
public:
    // `clock` gives the wall-clock times (queued, since); waits and back-off run
    // on the steady clock of the condition variables.
    // `profile`: null is the generic profile.
    CloudBridge(BridgeSettings settings, const Clock& clock, broker::OutboxWriter& outbox,
                std::unique_ptr<broker::OutboxReader> reader, BridgePorts ports = {},
                std::unique_ptr<CloudProfile> profile = nullptr);
    CloudBridge(const CloudBridge&) = delete;
    CloudBridge& operator=(const CloudBridge&) = delete;
    ~CloudBridge() override;

    broker::MessageTap& tap() { return tap_; }
    const std::string& name() const { return settings_.name; }

    void start();
    void stop();

    // The store committed every change through `sequence` (any thread; cheap).
    void notify_committed(std::uint64_t sequence);

    broker::BridgeStatus status() const;

    // Paho's callbacks, as events for the bridge's thread.
    struct Event {
        enum class Kind { Connected, ConnectFailed, ConnectionLost, Acked, Failed };
        Kind kind;
        std::int64_t id = 0;
        int code = 0;         // Paho return code
        int reason = 0;       // MQTT 5 reason code
        std::string text;
        std::uint64_t attempt = 0;  // which connection attempt (stale events are ignored)
    };
    void post(Event event);

private:
    enum class State { Idle, Connecting, Connected };
    using SteadyTime = std::chrono::steady_clock::time_point;

    void run();
    std::int64_t now_ms() const;
    void handle(const Event& event);
    void connect();
    void on_connected(const Event& event);
    void on_disconnected(const std::string& why, bool was_connected);
    void pump();
    bool publish(const broker::OutboxRow& row);
    void settle(std::int64_t id, std::optional<std::string> refusal);
    void queue_deletions(bool all);
    void refresh_status(bool force_log);
    void log_status();
    void await_acknowledgements();
    void disconnect();
    void create_client(const BridgeSettings& settings);
    void subscribe_downlink();
    void on_cloud_message(const std::string& topic, const std::string& payload, int qos, bool retain);
    // ProfileSink (Paho's thread).
    void publish_local(broker::LocalMessage message) override;
    void send_to_cloud(broker::OutboxEntry entry) override;
    void report_error(std::string text) override;
    void resend_liveness(const std::string& client_id) override;

    std::unique_ptr<CloudProfile> profile_;  // before settings_: it adjusts them
    BridgeSettings settings_;
    const Clock& clock_;
    broker::OutboxWriter& outbox_;
    std::unique_ptr<broker::OutboxReader> reader_;
    OutboxTap tap_;
    DownlinkRules downlink_;
    broker::LocalPublisher* local_;
    std::unique_ptr<LivenessFeed> liveness_feed_;
    RateLimiter rate_;

    // The bridge's thread only.
    std::unique_ptr<mqtt::async_client> client_;
    std::unique_ptr<class PublishListener> publish_listener_;
    std::unique_ptr<class ConnectListener> connect_listener_;
    std::shared_ptr<mqtt::token> connect_token_;
    std::unique_ptr<mqtt::connect_options> connect_options_;  // built once, or per attempt by the profile
    std::string client_id_;                                   // the client's (the profile may change it)
    SteadyTime next_tls_probe_{};  // TLS failures are explained at most this often  // of the attempt in progress: its error text
    State state_ = State::Idle;
    std::uint64_t attempt_ = 0;
    std::uint64_t failures_ = 0;
    SteadyTime next_attempt_{};
    SteadyTime retry_publish_at_{};
    SteadyTime next_status_refresh_{};
    SteadyTime next_status_log_{};
    SteadyTime next_failure_log_{};  // a long outage: the next failed attempt logged as a warning
    Backoff backoff_;
    DeliveryWindow window_;
    std::uint64_t dropped_logged_ = 0;
    std::optional<std::pair<SteadyTime, std::uint64_t>> draining_;  // since the connect, backlog then

    // Events from Paho's threads and commit reports.
    std::mutex events_mutex_;
    std::condition_variable events_ready_;
    std::deque<Event> events_;
    std::uint64_t committed_through_ = 0;
    bool commit_reported_ = false;
    // With a full window the thread sleeps until a quarter of it has been
    // acknowledged, then refills that quarter in one go: one wake-up (ours and
    // Paho's sending thread's) per burst instead of one per message.
    std::size_t acks_to_wake_ = 1;
    std::size_t acks_waiting_ = 0;
    bool stopping_ = false;
    std::thread thread_;

    std::string explain_failure(const std::string& paho_error);

    mutable std::mutex status_mutex_;
    broker::BridgeStatus status_;  // name, address, connected, since, last error, oldest, sent, acked
    std::string tls_error_;        // OpenSSL's explanation of the last TLS failure (bridge thread)
};

}  // namespace wg::bridge
