#pragma once
// The broker core's view of one network connection. Implemented by the network
// layer; the core never sees sockets.
//
// Threading: every call happens on the broker's event-loop thread.
// Contract: after close() the core never touches the link again, and the link
// never calls the core about this connection again.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace wg::core {

class ClientLink {
public:
    virtual ~ClientLink() = default;

    // Queues bytes for sending. Never blocks; write errors are reported later
    // through Broker::on_closed().
    virtual void write(std::span<const std::uint8_t> bytes) = 0;

    // Bytes queued and not yet handed to the kernel.
    virtual std::size_t pending_output() const = 0;

    // Sends what is queued (best effort, bounded in time) and closes.
    virtual void close() = 0;

    // "address:port" of the remote end, for logs and events.
    virtual const std::string& peer() const = 0;

    // Flow control. The broker pauses reading from a publisher while a
    // subscriber its messages go to cannot keep up, so that messages wait in the
    // publisher's TCP window instead of being dropped; resume_reading() undoes it.
    virtual void pause_reading() = 0;
    virtual void resume_reading() = 0;

    // Asks for one Broker::on_output_drained() call once the bytes queued to this
    // client have fallen below half of the output limit.
    virtual void notify_when_drained() = 0;

    // Durability: while held, queued bytes are kept back (a CONNACK must not go
    // out before the Will it accepts is committed). close() sends them anyway.
    virtual void hold_output() = 0;
    virtual void release_output() = 0;
    // Throws away what is held (an acknowledgement whose commit failed) and
    // stops holding.
    virtual void drop_held_output() = 0;

    // Bytes received from and sent to the client on this connection so far.
    virtual std::uint64_t bytes_received() const = 0;
    virtual std::uint64_t bytes_sent() const = 0;
};

}  // namespace wg::core
