// In-memory LivenessReader and BrokerStatusSource for the web module's tests.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "willgate/broker_status.h"
#include "willgate/liveness.h"

namespace wg::web::test {

class FakeLiveness final : public liveness::LivenessReader {
public:
    void put(liveness::DeviceStatus device) {
        const std::lock_guard lock{mutex_};
        devices_[device.client_id] = std::move(device);
    }

    // Records a transition (and its sequence) and wakes wait_for_change().
    void add_transition(liveness::Transition transition) {
        {
            const std::lock_guard lock{mutex_};
            transition.sequence = ++sequence_;
            transitions_.push_back(std::move(transition));
        }
        changed_.notify_all();
    }

    std::vector<liveness::DeviceStatus> devices() override {
        const std::lock_guard lock{mutex_};
        std::vector<liveness::DeviceStatus> out;
        for (const auto& [id, device] : devices_) {
            out.push_back(device);
        }
        return out;
    }

    std::optional<liveness::DeviceStatus> device(const std::string& client_id) override {
        const std::lock_guard lock{mutex_};
        const auto found = devices_.find(client_id);
        if (found == devices_.end()) {
            return std::nullopt;
        }
        return found->second;
    }

    std::vector<liveness::Transition> history(const std::string& client_id, std::int64_t from_ms) override {
        const std::lock_guard lock{mutex_};
        std::vector<liveness::Transition> out;
        const liveness::Transition* before = nullptr;
        for (const auto& t : transitions_) {
            if (t.client_id != client_id) {
                continue;
            }
            if (t.at_ms < from_ms) {
                before = &t;
            } else {
                out.push_back(t);
            }
        }
        if (before != nullptr) {
            out.insert(out.begin(), *before);
        }
        return out;
    }

    std::vector<liveness::Transition> changes_after(std::int64_t after, std::size_t max) override {
        const std::lock_guard lock{mutex_};
        std::vector<liveness::Transition> out;
        for (const auto& t : transitions_) {
            if (t.sequence > after && out.size() < max) {
                out.push_back(t);
            }
        }
        return out;
    }

    std::int64_t last_sequence() override {
        const std::lock_guard lock{mutex_};
        return sequence_;
    }

    std::int64_t wait_for_change(std::int64_t after, std::chrono::milliseconds timeout) override {
        std::unique_lock lock{mutex_};
        changed_.wait_for(lock, timeout, [&] { return sequence_ > after; });
        return sequence_;
    }

    bool forget(const std::string& client_id) override {
        const std::lock_guard lock{mutex_};
        const auto found = devices_.find(client_id);
        if (found == devices_.end() || found->second.online) {
            return false;
        }
        devices_.erase(found);
        std::erase_if(transitions_, [&](const auto& t) { return t.client_id == client_id; });
        return true;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::map<std::string, liveness::DeviceStatus> devices_;
    std::vector<liveness::Transition> transitions_;
    std::int64_t sequence_ = 0;
};

class FakeStatus final : public broker::BrokerStatusSource {
public:
    broker::BrokerStatus value;
    broker::BrokerStatus status() const override { return value; }
};

inline liveness::DeviceStatus device(std::string id, bool online) {
    liveness::DeviceStatus d;
    d.client_id = std::move(id);
    d.online = online;
    d.since_ms = 1000;
    d.peer = "127.0.0.1:50000";
    return d;
}

}  // namespace wg::web::test
