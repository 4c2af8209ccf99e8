#pragma once
// A level-triggered epoll loop on the calling thread. Sources register a file descriptor
// with themselves as the handler; poll() waits and calls on_events() for each ready one.
// A source must stay alive while registered; one that closes its descriptor during a
// dispatch must ignore events that are still delivered to it in the same batch.
// Errors from epoll itself throw std::system_error.

#include <sys/epoll.h>

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "mqtt_load/unique_fd.h"

namespace wg::mqtt_load {

class EventSource {
public:
    virtual void on_events(std::uint32_t events) = 0;

protected:
    ~EventSource() = default;
};

class EventLoop {
public:
    EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    void add(int fd, std::uint32_t events, EventSource& source);
    void modify(int fd, std::uint32_t events, EventSource& source);
    void remove(int fd);

    // Waits at most timeout_ms (-1: no limit) and dispatches; returns the number of events.
    int poll(int timeout_ms);

    // One read buffer shared by every connection of the loop.
    std::span<std::uint8_t> scratch() { return scratch_; }

private:
    UniqueFd epoll_;
    std::array<epoll_event, 512> events_{};
    std::vector<std::uint8_t> scratch_;
};

}  // namespace wg::mqtt_load
