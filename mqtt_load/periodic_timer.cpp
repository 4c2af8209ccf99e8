#include "mqtt_load/periodic_timer.h"

#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "mqtt_load/clock.h"

namespace wg::mqtt_load {
namespace {

timespec to_timespec(std::int64_t ns) {
    timespec value{};
    value.tv_sec = static_cast<time_t>(ns / kNanosPerSecond);
    value.tv_nsec = static_cast<long>(ns % kNanosPerSecond);
    return value;
}

}  // namespace

PeriodicTimer::PeriodicTimer(EventLoop& loop, Callback callback)
    : fd_{timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)},
      callback_{std::move(callback)} {
    if (!fd_.valid()) throw std::system_error(errno, std::generic_category(), "timerfd_create");
    loop.add(fd_.get(), EPOLLIN, *this);
}

void PeriodicTimer::start(std::int64_t first_deadline_ns, std::int64_t period_ns) {
    itimerspec spec{};
    spec.it_value = to_timespec(first_deadline_ns);
    spec.it_interval = to_timespec(period_ns);
    if (timerfd_settime(fd_.get(), TFD_TIMER_ABSTIME, &spec, nullptr) != 0) {
        throw std::system_error(errno, std::generic_category(), "timerfd_settime");
    }
}

void PeriodicTimer::stop() {
    const itimerspec spec{};
    timerfd_settime(fd_.get(), 0, &spec, nullptr);
}

void PeriodicTimer::on_events(std::uint32_t) {
    std::uint64_t expirations = 0;
    if (::read(fd_.get(), &expirations, sizeof expirations) == sizeof expirations &&
        expirations > 0) {
        callback_(expirations);
    }
}

}  // namespace wg::mqtt_load
