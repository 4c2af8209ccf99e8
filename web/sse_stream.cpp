#include "web/sse_stream.h"

#include <algorithm>
#include <charconv>
#include <deque>

#include "web/api_routes.h"
#include "web/device_json.h"
#include "web/json_writer.h"

namespace wg::web {

std::optional<std::int64_t> parse_sequence(std::string_view text) {
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size() || value < 0) {
        return std::nullopt;
    }
    return value;
}

std::string device_event(const liveness::Transition& transition, const std::optional<liveness::DeviceStatus>& device) {
    JsonWriter json;
    json.begin_object().member("sequence", transition.sequence);
    json.key("transition");
    write_transition(json, transition);
    json.key("device");
    if (device) {
        write_device(json, *device);
    } else {
        json.null();
    }
    json.end_object();
    // The JSON has no line breaks (they are escaped), so it fits one data line.
    return "event: device\nid: " + std::to_string(transition.sequence) + "\ndata: " + json.take() + "\n\n";
}

std::string broker_event(const broker::BrokerStatus& status, std::int64_t now_ms) {
    JsonWriter json;
    write_broker_status(json, status, now_ms);
    return "event: broker\ndata: " + json.take() + "\n\n";
}

std::string forgotten_event(const std::string& client_id) {
    JsonWriter json;
    json.begin_object().member("client_id", client_id).end_object();
    return "event: forgotten\ndata: " + json.take() + "\n\n";
}

SseStream::SseStream(liveness::LivenessReader& liveness, const broker::BrokerStatusSource& broker, const Clock& clock,
                     const std::atomic<bool>& stopping, SseOptions options, const ForgottenDevices* forgotten)
    : liveness_{liveness}, broker_{broker}, clock_{clock}, stopping_{stopping}, options_{options}, forgotten_{forgotten} {}

void SseStream::run(std::ostream& out, std::int64_t after) {
    // A reconnecting EventSource waits this long (ms) before it tries again.
    out << "retry: 2000\n\n";
    out << broker_event(broker_.status(), wall_ms(clock_));
    out.flush();
    auto next_broker = clock_.now() + options_.broker_interval;
    auto next_keepalive = clock_.now() + options_.keepalive_interval;
    // Forgets not sent yet, oldest first: the ones since `after`, then each new one.
    std::deque<ForgottenDevices::Entry> forgets;
    std::uint64_t forgets_seen = 0;
    if (forgotten_ != nullptr) {
        forgets_seen = forgotten_->last_id();
        for (auto& entry : forgotten_->from_sequence(after)) {
            if (entry.id <= forgets_seen) {  // a newer one comes through after() below
                forgets.push_back(std::move(entry));
            }
        }
    }
    // Sends the forgets that happened before the change `before` (all up to `after` at the end
    // of a round).
    const auto send_forgets = [&](std::int64_t before) {
        bool sent = false;
        while (!forgets.empty() && forgets.front().sequence < before) {
            out << forgotten_event(forgets.front().client_id);
            forgets.pop_front();
            sent = true;
        }
        return sent;
    };
    while (out && !stopping_.load(std::memory_order_acquire)) {
        const auto now = clock_.now();
        const auto until_next = std::min(next_broker, next_keepalive) - now;
        const auto wait = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(until_next),
                                     std::chrono::milliseconds{0}, options_.poll_interval);
        bool wrote = false;
        const std::int64_t newest = liveness_.wait_for_change(after, wait);
        if (forgotten_ != nullptr) {
            for (auto& entry : forgotten_->after(forgets_seen)) {
                forgets_seen = entry.id;
                forgets.push_back(std::move(entry));
            }
        }
        if (newest > after) {
            const std::vector<liveness::Transition> changes = liveness_.changes_after(after, options_.batch);
            for (const liveness::Transition& transition : changes) {
                wrote = send_forgets(transition.sequence) || wrote;
                out << device_event(transition, liveness_.device(transition.client_id));
                after = std::max(after, transition.sequence);
                wrote = true;
            }
            if (changes.empty()) {
                after = newest;  // what it announced is gone from the history already
            }
        }
        wrote = send_forgets(after + 1) || wrote;
        if (clock_.now() >= next_broker) {
            out << broker_event(broker_.status(), wall_ms(clock_));
            next_broker = clock_.now() + options_.broker_interval;
            wrote = true;
        }
        if (clock_.now() >= next_keepalive) {
            out << ": keep-alive\n\n";
            next_keepalive = clock_.now() + options_.keepalive_interval;
            wrote = true;
        }
        if (wrote) {
            out.flush();
        }
    }
}

}  // namespace wg::web
