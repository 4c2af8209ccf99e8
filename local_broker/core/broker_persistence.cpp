// The broker's side of durable storage: what it writes through Persistence,
// and what it takes back at start-up.
#include "common/log.h"
#include "local_broker/core/broker.h"

namespace wg::core {

namespace {

Clock::time_point to_steady(WallClock::time_point when, const Clock& clock) {
    return clock.now() + std::chrono::duration_cast<Clock::duration>(when - clock.wall_now());
}

}  // namespace

void Broker::persist_retained(const Message& message) {
    if (!persistence_) return;
    if (message.payload.empty()) {
        persistence_->retained_cleared(message.topic);
        return;
    }
    StoredRetained stored{message.topic, message.payload, message.qos, message.properties, std::nullopt};
    if (message.expires_at)
        stored.expires_at =
            clock_.wall_now() + std::chrono::duration_cast<WallClock::duration>(*message.expires_at - clock_.now());
    persistence_->retained_set(stored);
}

void Broker::hold_until_persisted(Connection& connection) {
    connection.link.hold_output();
    held_output_.push_back(HeldOutput{persistence_->last_sequence(), connection.id});
}

void Broker::on_persisted(std::uint64_t sequence) {
    while (!held_output_.empty() && held_output_.front().sequence <= sequence) {
        if (auto it = connections_.find(held_output_.front().connection_id); it != connections_.end())
            it->second->link.release_output();
        held_output_.pop_front();
    }
}

void Broker::on_persist_failed() {
    auto held = std::move(held_output_);
    held_output_.clear();
    for (const auto& entry : held) {
        auto it = connections_.find(entry.connection_id);
        if (it == connections_.end()) continue;
        it->second->link.drop_held_output();
        close(*it->second, broker::DisconnectCause::StoreFailure,
              "not acknowledged: the store cannot commit (disk full or I/O error)", codec::ReasonCode::QuotaExceeded);
    }
}

std::size_t Broker::restore(StoredState state) {
    const auto now = clock_.now();
    const auto wall_now = clock_.wall_now();
    std::size_t retained = 0;
    for (auto& stored : state.retained) {
        if (stored.expires_at && *stored.expires_at <= wall_now) {
            if (persistence_) persistence_->retained_cleared(stored.topic);  // expired while stopped
            continue;
        }
        Message message{std::move(stored.topic), std::move(stored.payload), stored.qos, true,
                        std::move(stored.properties), std::nullopt, false};
        if (stored.expires_at) message.expires_at = to_steady(*stored.expires_at, clock_);
        retained_.set(std::make_shared<const Message>(std::move(message)));
        ++retained;
    }
    for (auto& stored : state.wills) {
        // A held Will's connection was lost with the previous run: it is released
        // now. A pending one keeps the deadline it already had.
        auto due = stored.due ? to_steady(*stored.due, clock_) : now + stored.delay;
        if (due < now) due = now;
        if (!stored.due && persistence_ && stored.delay.count() > 0)
            persistence_->will_pending(stored.client_id, wall_now + stored.delay);
        log::info("restored will client=" + stored.client_id + " topic=" + stored.will.topic +
                  " cause=gateway-restart (the gateway stopped uncleanly while this connection was live)");
        wills_.schedule(stored.client_id, std::move(stored.will), due);
    }
    const std::uint64_t published_before = counters_.wills_published;
    publish_due_wills();
    const auto published = static_cast<std::size_t>(counters_.wills_published - published_before);
    if (retained != 0 || !state.wills.empty())
        log::info("restored " + std::to_string(retained) + " retained messages and " +
                  std::to_string(state.wills.size()) + " Wills (" + std::to_string(published) + " published now)");
    return published;
}

}  // namespace wg::core
