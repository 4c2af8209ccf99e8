#include "mqtt_load/event_loop.h"

#include <cerrno>
#include <system_error>

namespace wg::mqtt_load {
namespace {

constexpr std::size_t kScratchSize = 256 * 1024;

[[noreturn]] void throw_errno(const char* what) {
    throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

EventLoop::EventLoop() : epoll_{epoll_create1(EPOLL_CLOEXEC)}, scratch_(kScratchSize) {
    if (!epoll_.valid()) throw_errno("epoll_create1");
}

void EventLoop::add(int fd, std::uint32_t events, EventSource& source) {
    epoll_event event{};
    event.events = events;
    event.data.ptr = &source;
    if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) != 0) throw_errno("epoll_ctl add");
}

void EventLoop::modify(int fd, std::uint32_t events, EventSource& source) {
    epoll_event event{};
    event.events = events;
    event.data.ptr = &source;
    if (epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &event) != 0) throw_errno("epoll_ctl mod");
}

void EventLoop::remove(int fd) { epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr); }

int EventLoop::poll(int timeout_ms) {
    const int count =
        epoll_wait(epoll_.get(), events_.data(), static_cast<int>(events_.size()), timeout_ms);
    if (count < 0) {
        if (errno == EINTR) return 0;
        throw_errno("epoll_wait");
    }
    for (int i = 0; i < count; ++i) {
        const epoll_event& event = events_[static_cast<std::size_t>(i)];
        static_cast<EventSource*>(event.data.ptr)->on_events(event.events);
    }
    return count;
}

}  // namespace wg::mqtt_load
