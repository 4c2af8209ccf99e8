#pragma once
// A timerfd on CLOCK_MONOTONIC firing at absolute deadlines start + k * period, so that a
// late wake-up does not shift later deadlines. The callback gets the number of deadlines
// that passed since the last call (more than 1 when the thread woke up late).
// Threading: the event loop's thread. Errors creating the timer throw std::system_error.

#include <cstdint>
#include <functional>

#include "mqtt_load/event_loop.h"
#include "mqtt_load/unique_fd.h"

namespace wg::mqtt_load {

class PeriodicTimer final : public EventSource {
public:
    using Callback = std::function<void(std::uint64_t expirations)>;

    PeriodicTimer(EventLoop& loop, Callback callback);
    PeriodicTimer(const PeriodicTimer&) = delete;
    PeriodicTimer& operator=(const PeriodicTimer&) = delete;

    void start(std::int64_t first_deadline_ns, std::int64_t period_ns);
    void stop();

    void on_events(std::uint32_t events) override;

private:
    UniqueFd fd_;
    Callback callback_;
};

}  // namespace wg::mqtt_load
