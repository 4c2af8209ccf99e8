#include "mqtt_load/stop_request.h"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <system_error>

namespace wg::mqtt_load {
namespace {

sigset_t stop_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    return set;
}

}  // namespace

StopRequest::StopRequest(EventLoop& loop, Stdin stdin_mode)
    : loop_{loop}, stdin_watch_{requested_} {
    const sigset_t set = stop_signals();
    sigprocmask(SIG_BLOCK, &set, nullptr);
    signal_fd_.reset(signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
    if (!signal_fd_.valid()) throw std::system_error(errno, std::generic_category(), "signalfd");
    loop_.add(signal_fd_.get(), EPOLLIN, *this);
    if (stdin_mode == Stdin::Ignored) return;
    try {
        loop_.add(STDIN_FILENO, EPOLLIN, stdin_watch_);
        watching_stdin_ = true;
    } catch (const std::system_error&) {
        // EPERM: a regular file or /dev/null cannot be polled; rely on the signals.
    }
}

StopRequest::~StopRequest() {
    if (watching_stdin_) loop_.remove(STDIN_FILENO);
    loop_.remove(signal_fd_.get());
    const sigset_t set = stop_signals();
    sigprocmask(SIG_UNBLOCK, &set, nullptr);
}

void StopRequest::on_events(std::uint32_t) {
    signalfd_siginfo info{};
    while (::read(signal_fd_.get(), &info, sizeof info) == sizeof info) requested_ = true;
}

void StopRequest::StdinWatch::on_events(std::uint32_t) {
    std::array<char, 4096> buffer{};
    const ssize_t count = ::read(STDIN_FILENO, buffer.data(), buffer.size());
    if (count == 0 || (count < 0 && errno != EAGAIN && errno != EINTR)) requested_ = true;
}

}  // namespace wg::mqtt_load
