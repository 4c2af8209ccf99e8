#include "local_broker/net/poller.h"

#include <cerrno>

namespace wg::net {
namespace {

int create_epoll() {
    const int fd = ::epoll_create1(EPOLL_CLOEXEC);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "cannot create an epoll set");
    return fd;
}

std::error_code control(int epoll_fd, int operation, int fd, void* item, std::uint32_t events) {
    epoll_event event{};
    event.events = events;
    event.data.ptr = item;
    if (::epoll_ctl(epoll_fd, operation, fd, &event) != 0) return {errno, std::generic_category()};
    return {};
}

}  // namespace

Poller::Poller(asio::io_context& io, Handler handler)
    : epoll_(io.get_executor(), create_epoll()), handler_(handler) {}

std::error_code Poller::add(int fd, void* item, std::uint32_t events) {
    if (auto error = control(epoll_.native_handle(), EPOLL_CTL_ADD, fd, item, events)) return error;
    ++registered_;
    schedule(false);
    return {};
}

std::error_code Poller::modify(int fd, void* item, std::uint32_t events) {
    return control(epoll_.native_handle(), EPOLL_CTL_MOD, fd, item, events);
}

void Poller::remove(int fd) {
    epoll_event ignored{};
    if (::epoll_ctl(epoll_.native_handle(), EPOLL_CTL_DEL, fd, &ignored) != 0) return;
    if (--registered_ == 0 && waiting_) {
        std::error_code error;
        epoll_.cancel(error);  // nothing left to wait for: let the io_context run out of work
    }
}

void Poller::schedule(bool busy) {
    if (scheduled_ || registered_ == 0) return;
    scheduled_ = true;
    if (busy) {
        asio::post(epoll_.get_executor(), [this] {
            scheduled_ = false;
            poll();
        });
        return;
    }
    waiting_ = true;
    epoll_.async_wait(Descriptor::wait_read, [this](const std::error_code& error) {
        scheduled_ = false;
        waiting_ = false;
        if (error == asio::error::operation_aborted) {
            schedule(false);  // a socket may have been added since the cancel
            return;
        }
        poll();
    });
}

void Poller::poll() {
    const int ready = ::epoll_wait(epoll_.native_handle(), events_.data(), static_cast<int>(events_.size()), 0);
    for (int i = 0; i < ready; ++i) {
        const epoll_event& event = events_[static_cast<std::size_t>(i)];
        handler_(event.data.ptr, event.events);
    }
    schedule(ready > 0);
}

}  // namespace wg::net
