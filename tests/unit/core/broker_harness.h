#pragma once
// Drives a core::Broker without sockets: FakeLink records what the broker
// writes (decoded back into packets) and whether it closed the link; TestClient
// plays one MQTT client. Time is a ManualClock.

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "common/log.h"
#include "common/manual_clock.h"
#include "local_broker/codec/codec.h"
#include "local_broker/core/broker.h"

namespace wg::test {

class FakeLink final : public core::ClientLink {
public:
    explicit FakeLink(std::string peer) : peer_(std::move(peer)) {}

    void write(std::span<const std::uint8_t> bytes) override {
        REQUIRE_FALSE(closed_);
        bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
        bytes_sent_ += bytes.size();
    }
    std::size_t pending_output() const override { return pending_output_; }
    void close() override { closed_ = true; }
    const std::string& peer() const override { return peer_; }
    void pause_reading() override { paused_ = true; }
    void resume_reading() override { paused_ = false; }
    void notify_when_drained() override { drain_watch_ = true; }
    void hold_output() override { held_ = true; }
    void release_output() override { held_ = false; }
    void drop_held_output() override {
        if (held_) bytes_.clear();
        held_ = false;
    }
    std::uint64_t bytes_received() const override { return 0; }
    std::uint64_t bytes_sent() const override { return bytes_sent_; }
    bool output_held() const { return held_; }

    bool paused() const { return paused_; }
    bool drain_watch() const { return drain_watch_; }

    bool closed() const { return closed_; }
    void set_pending_output(std::size_t bytes) { pending_output_ = bytes; }

    // Decodes everything written so far (as a client of `version` would) and clears it.
    std::vector<codec::Packet> take(codec::ProtocolVersion version) {
        std::vector<codec::Packet> packets;
        std::size_t offset = 0;
        while (offset < bytes_.size()) {
            const std::span<const std::uint8_t> rest(bytes_.data() + offset, bytes_.size() - offset);
            const auto frame = codec::read_frame_header(rest, codec::kMaxRemainingLength + 5);
            REQUIRE(frame.status == codec::FrameStatus::Complete);
            auto result = codec::decode_packet(rest.first(frame.header.total_size()), version);
            REQUIRE(std::holds_alternative<codec::Packet>(result));
            packets.push_back(std::get<codec::Packet>(std::move(result)));
            offset += frame.header.total_size();
        }
        bytes_.clear();
        return packets;
    }

private:
    std::string peer_;
    std::vector<std::uint8_t> bytes_;
    std::size_t pending_output_ = 0;
    std::uint64_t bytes_sent_ = 0;
    bool closed_ = false;
    bool paused_ = false;
    bool drain_watch_ = false;
    bool held_ = false;
};

class RecordingObserver final : public broker::ConnectionObserver {
public:
    void on_connected(const broker::ConnectedEvent& event) override { connected.push_back(event); }
    void on_disconnected(const broker::DisconnectedEvent& event) override { disconnected.push_back(event); }
    std::vector<broker::ConnectedEvent> connected;
    std::vector<broker::DisconnectedEvent> disconnected;
};

class BrokerHarness;

// One client connection. Packets the broker sent are collected by received().
class TestClient {
public:
    TestClient(core::Broker& broker, std::string peer, codec::ProtocolVersion version)
        : broker_(broker), link_(std::make_unique<FakeLink>(std::move(peer))), version_(version) {
        connection_ = broker_.open(*link_);
    }

    void send(codec::Packet packet) {
        REQUIRE_FALSE(link_->closed());
        broker_.on_packet(*connection_, std::move(packet));
    }
    void send_bad_bytes(codec::DecodeError error) { broker_.on_decode_error(*connection_, error); }
    // The network layer reports that the bytes queued to this client drained.
    void drained() { broker_.on_output_drained(*connection_); }
    void drop(broker::DisconnectCause cause = broker::DisconnectCause::PeerClosed) {
        broker_.on_closed(*connection_, cause, "");
    }

    // Every packet the broker sent since the last call.
    std::vector<codec::Packet> received() {
        std::vector<codec::Packet> packets = std::move(unread_);
        unread_.clear();
        for (auto& packet : link_->take(version_)) packets.push_back(std::move(packet));
        return packets;
    }
    // Puts packets back, to be returned by the next received().
    void unread(std::vector<codec::Packet> packets) { unread_ = std::move(packets); }
    // The PUBLISH packets the broker sent since the last call.
    std::vector<codec::Publish> publishes() {
        std::vector<codec::Publish> result;
        for (auto& packet : received())
            if (auto* publish = std::get_if<codec::Publish>(&packet)) result.push_back(*publish);
        return result;
    }

    bool closed() const { return link_->closed(); }
    FakeLink& link() { return *link_; }

private:
    core::Broker& broker_;
    std::unique_ptr<FakeLink> link_;
    core::Connection* connection_ = nullptr;
    codec::ProtocolVersion version_;
    std::vector<codec::Packet> unread_;
};

struct ConnectOptions {
    bool clean_session = true;
    std::uint16_t keep_alive = 60;
    std::optional<codec::Will> will;
    codec::ProtocolVersion version = codec::ProtocolVersion::Mqtt311;
    codec::Properties properties;  // MQTT 5 CONNECT properties
};

// A 3.1.1 client with clean session 0: its session outlives the connection.
inline ConnectOptions persistent() {
    ConnectOptions options;
    options.clean_session = false;
    return options;
}

class BrokerHarness {
public:
    explicit BrokerHarness(core::BrokerSettings settings = {}) : broker(settings, clock) {
        broker.add_observer(events);
        log::set_level(log::Level::Error);  // connection lines would drown the test report
    }

    // Opens a connection, sends CONNECT and checks the CONNACK reason.
    std::unique_ptr<TestClient> connect(const std::string& client_id, ConnectOptions options = {},
                                        codec::ReasonCode expected = codec::ReasonCode::Success) {
        auto client = std::make_unique<TestClient>(broker, "127.0.0.1:" + std::to_string(next_port_++),
                                                   options.version);
        codec::Connect connect;
        connect.version = options.version;
        connect.protocol_name = options.version == codec::ProtocolVersion::Mqtt31 ? "MQIsdp" : "MQTT";
        connect.client_id = client_id;
        connect.clean_session = options.clean_session;
        connect.keep_alive = options.keep_alive;
        connect.will = options.will;
        connect.properties = options.properties;
        client->send(connect);
        auto packets = client->received();
        REQUIRE_FALSE(packets.empty());
        auto* connack = std::get_if<codec::Connack>(&packets.front());
        REQUIRE(connack != nullptr);
        REQUIRE(connack->reason == expected);
        last_session_present = connack->session_present;
        last_connack = *connack;
        packets.erase(packets.begin());
        client->unread(std::move(packets));  // what the broker sent right after CONNACK
        return client;
    }

    void subscribe(TestClient& client, const std::string& filter, codec::QoS qos, std::uint16_t packet_id = 1) {
        client.send(codec::Subscribe{packet_id, {{filter, qos}}});
        auto packets = client.received();
        REQUIRE_FALSE(packets.empty());
        REQUIRE(std::holds_alternative<codec::Suback>(packets.front()));
    }

    ManualClock clock;
    core::Broker broker;
    RecordingObserver events;
    bool last_session_present = false;
    codec::Connack last_connack;

private:
    int next_port_ = 40000;
};

// The last DISCONNECT the broker sent to `client` (reads everything it sent).
inline std::optional<codec::Disconnect> last_disconnect(TestClient& client) {
    std::optional<codec::Disconnect> found;
    for (auto& packet : client.received())
        if (auto* disconnect = std::get_if<codec::Disconnect>(&packet)) found = *disconnect;
    return found;
}

inline codec::Will make_will(std::string topic, std::string payload, codec::QoS qos = codec::QoS::AtMostOnce,
                             bool retain = false) {
    return codec::Will{std::move(topic), std::move(payload), qos, retain};
}

}  // namespace wg::test
