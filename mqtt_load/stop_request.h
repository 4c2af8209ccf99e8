#pragma once
// Waits for the caller to say "stop": SIGTERM or SIGINT (through a signalfd, so the signals
// are blocked for the process) or, with Stdin::EndStops, the end of standard input. Standard
// input that cannot be watched (a regular file such as /dev/null) is ignored; only the
// signals count then.
// Threading: create it on the main thread before any other thread starts.

#include <cstdint>

#include "mqtt_load/event_loop.h"
#include "mqtt_load/unique_fd.h"

namespace wg::mqtt_load {

class StopRequest final : public EventSource {
public:
    enum class Stdin : bool { Ignored, EndStops };

    explicit StopRequest(EventLoop& loop, Stdin stdin_mode = Stdin::EndStops);
    StopRequest(const StopRequest&) = delete;
    StopRequest& operator=(const StopRequest&) = delete;
    ~StopRequest();

    bool requested() const { return requested_; }
    void on_events(std::uint32_t events) override;

private:
    class StdinWatch final : public EventSource {
    public:
        explicit StdinWatch(bool& requested) : requested_{requested} {}
        void on_events(std::uint32_t events) override;

    private:
        bool& requested_;
    };

    EventLoop& loop_;
    bool requested_ = false;  // before stdin_watch_, which refers to it
    UniqueFd signal_fd_;
    StdinWatch stdin_watch_;
    bool watching_stdin_ = false;
};

}  // namespace wg::mqtt_load
