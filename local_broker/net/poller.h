#pragma once
// An epoll set of our own for the client sockets, woken through the
// io_context: the set's file descriptor is one Asio descriptor with a single
// pending wait, however many sockets it holds. Per socket this costs a kernel
// epoll entry and nothing on the heap (Asio's per-socket reactor state and
// pending wait operation cost ~350 bytes each).
//
// On a wake-up the ready sockets are fetched without blocking and handed one by
// one to the handler, with the pointer given to add(). Level-triggered: a socket
// that still has data after its handler returns is reported again on the next
// round. While the last round found sockets ready, the next round is posted
// (other handlers of the io_context run in between) instead of waiting, so
// readiness left over in the set never depends on a fresh kernel notification.
//
// Threading: the io_context's single thread only. Errors: the constructor
// throws std::system_error if the epoll set cannot be created; add() and
// modify() return the epoll_ctl error; the wait is re-armed after any error.
// The set stops waiting while it is empty, so the io_context can run out of work.

#include <sys/epoll.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <system_error>

#include <asio.hpp>

#include "local_broker/net/asio_types.h"

namespace wg::net {

class Poller {
public:
    // Called for each ready socket with its item and the epoll event bits.
    using Handler = void (*)(void* item, std::uint32_t events);

    Poller(asio::io_context& io, Handler handler);
    Poller(const Poller&) = delete;
    Poller& operator=(const Poller&) = delete;

    // `events` are EPOLLIN / EPOLLOUT; EPOLLERR and EPOLLHUP are always reported.
    std::error_code add(int fd, void* item, std::uint32_t events);
    std::error_code modify(int fd, void* item, std::uint32_t events);
    // Before the descriptor is closed (or handed to a thread that closes it).
    void remove(int fd);

    std::size_t size() const { return registered_; }

private:
    using Descriptor = asio::posix::basic_stream_descriptor<Executor>;

    void schedule(bool busy);
    void poll();

    Descriptor epoll_;
    Handler handler_;
    std::size_t registered_ = 0;
    bool scheduled_ = false;  // a wait or a posted round is pending
    bool waiting_ = false;    // that is the wait (it can be cancelled)
    std::array<epoll_event, 256> events_{};
};

}  // namespace wg::net
