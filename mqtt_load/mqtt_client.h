#pragma once
// One client connection of a load tool: a non-blocking socket in the event loop,
// an output queue of encoded packets and a FrameReader. It knows nothing of MQTT beyond
// framing: the ClientHandler decides what to send and what received packets mean.
//
// Threading: the event loop's thread only. Ownership: the tool owns clients (and their
// handlers) for the whole run; a client never deletes itself.
//
// Reading: every wake-up reads into the loop's shared scratch buffer (a few reads at most,
// so one busy socket cannot starve the others), stamps the time of the read and dispatches
// the complete packets; queued output (e.g. PUBACKs) is flushed once after the batch.
//
// Errors: a connect failure, read/write error, peer close or malformed input closes the
// socket and calls on_closed() once; close() by the owner calls nothing.

#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "mqtt_load/event_loop.h"
#include "mqtt_load/frame_reader.h"
#include "mqtt_load/unique_fd.h"

namespace wg::mqtt_load {

class MqttClient;

class ClientHandler {
public:
    // connect() has started the TCP handshake: queue the CONNECT here. It goes out at once
    // if the handshake is already done (usual on loopback), else when the socket turns
    // writable, which saves a wake-up and two system calls per connection.
    virtual void on_connect_started(MqttClient& client) = 0;
    virtual void on_packet(MqttClient& client, std::uint8_t header,
                           std::span<const std::uint8_t> body) = 0;
    // Nothing is queued and the socket can take more (only after want_writable(true)).
    virtual void on_writable(MqttClient& client) { (void)client; }
    // error: an errno value, or 0 when the peer closed the connection.
    virtual void on_closed(MqttClient& client, int error) = 0;

protected:
    ~ClientHandler() = default;
};

class MqttClient final : public EventSource {
public:
    MqttClient(EventLoop& loop, ClientHandler& handler, std::size_t index);
    MqttClient(const MqttClient&) = delete;
    MqttClient& operator=(const MqttClient&) = delete;
    ~MqttClient();

    // Starts connecting; returns 0 or the errno of an immediate failure (no on_closed()).
    // no_delay: set TCP_NODELAY (needed for latency; not for a connection ramp). A client
    // that was connected before starts afresh: nothing of the old connection is kept.
    int connect(const sockaddr_in& address, bool no_delay = true);

    void queue(std::span<const std::uint8_t> bytes);  // dropped once the socket is closed
    // Writes as much queued output as the socket takes; the rest goes out when writable.
    void flush();
    // Writes `bytes` directly, bypassing the (empty) queue; returns how many were taken.
    std::size_t write_direct(std::span<const std::uint8_t> bytes);
    // Asks for on_writable() calls whenever the queue is empty and the socket writable.
    void want_writable(bool on);
    // Closes without callback and drops unsent output; reset = true sends an RST
    // (SO_LINGER 0) instead of a FIN.
    void close(bool reset = false);

    bool is_open() const { return fd_.valid(); }
    std::size_t index() const { return index_; }
    std::size_t pending_output() const { return output_.size() - output_head_; }
    std::int64_t last_read_ns() const { return last_read_ns_; }

    void on_events(std::uint32_t events) override;

private:
    void handle_connect_done();
    int send_queued();  // 0, or the errno of a failed send (EAGAIN included)
    void handle_readable();
    void fail(int error);
    void update_interest();

    EventLoop& loop_;
    ClientHandler& handler_;
    std::size_t index_;
    UniqueFd fd_;
    bool connecting_ = false;
    bool want_writable_ = false;
    std::uint32_t interest_ = 0;
    std::vector<std::uint8_t> output_;
    std::size_t output_head_ = 0;
    FrameReader reader_;
    std::int64_t last_read_ns_ = 0;
};

}  // namespace wg::mqtt_load
