// The broker's side of durable storage: what it writes through Persistence
// (Wills, retained messages, persistent sessions with their subscriptions and
// QoS 1/2 deliveries), and what it takes back at start-up.
#include <algorithm>

#include "common/log.h"
#include "local_broker/core/broker.h"

namespace wg::core {

namespace {

Clock::time_point to_steady(WallClock::time_point when, const Clock& clock) {
    return clock.now() + std::chrono::duration_cast<Clock::duration>(when - clock.wall_now());
}

}  // namespace

std::optional<WallClock::time_point> Broker::wall_time(std::optional<Clock::time_point> steady) const {
    if (!steady) return std::nullopt;
    return clock_.wall_now() + std::chrono::duration_cast<WallClock::duration>(*steady - clock_.now());
}

void Broker::persist_retained(const Message& message) {
    if (!persistence_ || message.topic.starts_with("$SYS/")) return;
    if (message.payload.empty()) {
        persistence_->retained_cleared(message.topic);
        return;
    }
    persistence_->retained_set(
        StoredRetained{message.topic, message.payload, message.qos, message.properties, wall_time(message.expires_at)});
}

// Called when a session is attached (its expiry may have changed) and when it
// goes offline (its deadline starts).
void Broker::store_session(Session& session) {
    if (!persistence_) return;
    if (session.expiry_interval == 0) {
        // Ends with its connection: a stored copy would only outlive it in a crash.
        if (session.stored) persistence_->session_removed(session.client_id);
        session.stored = false;
        return;
    }
    session.stored = true;
    const auto deadline = session.connection ? std::nullopt : wall_time(session.expires_at);
    persistence_->session_stored(session.client_id, session.expiry_interval, deadline);
}

// A QoS 1/2 delivery for a stored session: written when it is queued or goes
// straight in flight (and the publisher's acknowledgement waits for it), then
// updated as it moves along.
void Broker::store_delivery(Session& session, OutgoingMessage& outgoing, std::uint16_t packet_id, InflightState state) {
    if (!session.stored) return;
    if (outgoing.stored_id != 0) {
        persistence_->delivery_updated(session.client_id, outgoing.stored_id, packet_id, state);
        return;
    }
    outgoing.stored_id = ++session.last_stored_id;
    persistence_->delivery_stored(session.client_id,
                                  StoredDelivery{outgoing, wall_time(outgoing.message->expires_at), packet_id, state});
    stored_while_routing_ = true;
}

void Broker::unstore_delivery(Session& session, const OutgoingMessage& outgoing) {
    if (session.stored && outgoing.stored_id != 0) persistence_->delivery_removed(session.client_id, outgoing.stored_id);
}

void Broker::restore_session(StoredSession& stored) {
    auto session = std::make_unique<Session>(stored.client_id, stored.expiry_interval);
    session->stored = persistence_ != nullptr;
    if (stored.expiry_interval != kSessionNeverExpires) {
        // Online when the previous run stopped uncleanly: it went offline then,
        // and its expiry counts from now.
        if (!stored.expires_at) {
            stored.expires_at = clock_.wall_now() + std::chrono::seconds(stored.expiry_interval);
            if (persistence_) persistence_->session_stored(stored.client_id, stored.expiry_interval, stored.expires_at);
        }
        session->expires_at = to_steady(*stored.expires_at, clock_);
    }
    for (auto& subscription : stored.subscriptions) {
        subscriptions_.subscribe(subscription.filter, session.get(), subscription.options);
        session->subscriptions.insert_or_assign(std::move(subscription.filter), subscription.options);
    }
    for (auto& delivery : stored.deliveries) {
        OutgoingMessage& outgoing = delivery.outgoing;
        session->last_stored_id = std::max(session->last_stored_id, outgoing.stored_id);
        if (delivery.expires_at && outgoing.message) {
            Message message = *outgoing.message;
            message.expires_at = to_steady(*delivery.expires_at, clock_);
            outgoing.message = std::make_shared<const Message>(std::move(message));
        }
        if (delivery.packet_id == 0) {
            session->queue.push_back(std::move(outgoing));
            continue;
        }
        if (delivery.state == InflightState::AwaitPubcomp) outgoing.message.reset();  // only the id remains
        session->inflight.push_back(InflightMessage{delivery.packet_id, std::move(outgoing), delivery.state});
    }
    if (!stored.incoming_qos2.empty())
        session->incoming_qos2 = std::make_unique<std::unordered_set<std::uint16_t>>(stored.incoming_qos2.begin(),
                                                                                      stored.incoming_qos2.end());
    const std::string client_id = session->client_id;
    sessions_.insert_or_assign(client_id, std::move(session));
}

// Output already held waits for the later commit too: a publisher streaming
// QoS 1 messages to a persistent session gets its PUBACKs once per commit.
void Broker::hold_until_persisted(Connection& connection) {
    const std::uint64_t sequence = persistence_->last_sequence();
    connection.link.hold_output();
    connection.held_through = sequence;
    if (!held_output_.empty() && held_output_.back().connection_id == connection.id)
        held_output_.back().sequence = sequence;
    else
        held_output_.push_back(HeldOutput{sequence, connection.id});
}

void Broker::on_persisted(std::uint64_t sequence) {
    while (!held_output_.empty() && held_output_.front().sequence <= sequence) {
        auto it = connections_.find(held_output_.front().connection_id);
        if (it != connections_.end() && it->second->held_through <= sequence) it->second->link.release_output();
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
    // Sessions first: Wills published below reach the persistent sessions
    // subscribed to them.
    std::size_t messages = 0;
    for (auto& stored : state.sessions) {
        messages += stored.deliveries.size();
        restore_session(stored);
    }
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
    publish_due_wills("gateway-restart");
    const auto published = static_cast<std::size_t>(counters_.wills_published - published_before);
    if (retained != 0 || !state.wills.empty() || !state.sessions.empty())
        log::info("restored " + std::to_string(state.sessions.size()) + " sessions (" + std::to_string(messages) +
                  " queued or in-flight messages), " + std::to_string(retained) + " retained messages and " +
                  std::to_string(state.wills.size()) + " Wills (" + std::to_string(published) + " published now)");
    return published;
}

}  // namespace wg::core
