#pragma once
// The clients of the bridge scenarios (scenario_bridge.cpp): publishers on the edge broker
// that number their messages, a subscriber on the cloud broker that checks what arrives
// (distinct messages, duplicates, order per topic), and a probe that tells when the edge's
// bridge carries messages to the cloud.
//
// Topics: publisher i publishes on bench/<i>, and the first 8 payload bytes of its k-th
// message are k (0, 1, 2, ...); the probe publishes on bench/probe. The edge forwards
// bench/# to the cloud under the same topics.
//
// Threading: the event loop's thread. Ownership: each role owns its clients.

#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bench/mqtt_load.h"
#include "bench/session_handler.h"

namespace wg::bench {

inline constexpr std::string_view kProbeTopic = "bench/probe";

// How many of `messages` publisher `index` of `publishers` sends (the first ones one more).
std::uint64_t share_of(std::uint64_t messages, std::size_t publishers, std::size_t index);

// QoS 1 publishers with at most `window` unacknowledged PUBLISHes each; a PUBACK sends the
// next message under the same packet id until the publisher's share is sent.
class NumberedPublishers final : public SessionHandler {
public:
    NumberedPublishers(EventLoop& loop, std::size_t publishers, std::size_t window,
                       std::size_t payload, std::uint64_t messages);

    void start();
    bool all_acked() const { return acked_ == total_; }
    std::uint64_t sent() const { return sent_; }
    std::uint64_t acked() const { return acked_; }
    std::int64_t last_ack_ns() const { return last_ack_ns_; }

private:
    struct State {
        mqtt::PublishTemplate packet;
        std::uint64_t share = 0;
        std::uint64_t next = 0;  // sequence number of the next message
    };

    void send_next(MqttClient& client, State& state, std::uint16_t packet_id);
    void on_message(MqttClient& client, std::uint8_t header,
                    std::span<const std::uint8_t> body) override;

    std::size_t window_;
    std::uint64_t total_;
    std::vector<State> states_;
    std::uint64_t sent_ = 0;
    std::uint64_t acked_ = 0;
    std::int64_t last_ack_ns_ = 0;
};

// One QoS 1 subscriber to bench/# that PUBACKs everything and keeps account of the
// numbered messages of `publishers` publishers.
class ArrivalCounter final : public SessionHandler {
public:
    // client_id empty: a fresh id and a clean session; otherwise that id with a persistent
    // session (what the cloud queued for it while it was away arrives after the CONNACK).
    ArrivalCounter(EventLoop& loop, std::size_t publishers, std::string client_id);

    bool probe_seen() const { return probe_seen_; }
    std::uint64_t distinct() const { return distinct_; }
    std::uint64_t duplicates() const { return duplicates_; }
    // First arrivals with a lower number than an earlier one of the same topic.
    std::uint64_t out_of_order() const { return out_of_order_; }
    std::uint64_t unknown() const { return unknown_; }
    std::int64_t first_ns() const { return first_ns_; }  // 0: nothing numbered yet
    std::int64_t last_ns() const { return last_ns_; }    // the last distinct arrival

private:
    struct Topic {
        std::vector<bool> seen;
        std::uint64_t highest = 0;
        bool any = false;
    };

    void on_message(MqttClient& client, std::uint8_t header,
                    std::span<const std::uint8_t> body) override;
    void count(Topic& topic, std::uint64_t number, std::int64_t now_ns);

    std::vector<Topic> topics_;
    bool probe_seen_ = false;
    std::uint64_t distinct_ = 0;
    std::uint64_t duplicates_ = 0;
    std::uint64_t out_of_order_ = 0;
    std::uint64_t unknown_ = 0;
    std::int64_t first_ns_ = 0;
    std::int64_t last_ns_ = 0;
};

// Publishes a small QoS 1 message on bench/probe each time send() is called.
class Probe final : public SessionHandler {
public:
    explicit Probe(EventLoop& loop);
    void send();

private:
    void on_message(MqttClient&, std::uint8_t, std::span<const std::uint8_t>) override {}

    mqtt::PublishTemplate packet_;
    std::uint16_t packet_id_ = 0;
};

// Connects `role` and waits (at most timeout_ns) until every client is ready; throws
// std::runtime_error naming `what` otherwise.
void connect_and_wait(EventLoop& loop, SessionHandler& role, const sockaddr_in& address,
                      std::int64_t timeout_ns, const std::string& what);

// Sends probes on the edge every 100 ms until one reaches `counter` on the cloud, or
// throws after timeout_ns. Returns the nanoseconds it took.
std::int64_t wait_for_bridge(EventLoop& loop, Probe& probe, const ArrivalCounter& counter,
                             std::int64_t timeout_ns);

// Tries a TCP connection to `address` every millisecond until one is accepted; returns
// CLOCK_MONOTONIC at that moment (the connection is closed again), or 0 after deadline_ns.
std::int64_t wait_until_accepting(const sockaddr_in& address, std::int64_t deadline_ns);

}  // namespace wg::bench
