// Flow control between publishers and subscribers that cannot keep up.
//
// When a delivery finds a subscriber's output above max_output_buffer (QoS 0)
// or its queue half full (QoS 1/2), the publisher whose message it is stops
// being read: its further messages wait in its own TCP window instead of being
// dropped. Reading resumes when the subscriber has drained. A subscriber that
// holds publishers back for longer than max_stall is marked slow: its
// publishers resume, and what it cannot take beyond the hard limits is dropped,
// so one stuck client never stalls the others for long.
#include <algorithm>

#include "local_broker/core/broker.h"

namespace wg::core {

void Broker::congest(Session& session) {
    Connection* publisher = current_publisher_;
    if (!publisher || session.slow || !session.connection || session.connection == publisher) return;
    if (!session.congestion) {
        session.congestion = std::make_unique<Session::Congestion>();
        session.congestion->since = clock_.now();
        congested_.push_back(&session);
        session.connection->link.notify_when_drained();
    }
    auto& waiting = session.congestion->waiting_publishers;
    if (std::find(waiting.begin(), waiting.end(), publisher->id) == waiting.end()) waiting.push_back(publisher->id);
    if (!publisher->reading_paused) {
        publisher->reading_paused = true;
        publisher->link.pause_reading();
    }
}

void Broker::on_output_drained(Connection& connection) {
    if (connection.session) check_drained(*connection.session);
}

// Releases the session's publishers once its byte backlog is down to half the
// output limit and its queue to a quarter of the queue limit.
void Broker::check_drained(Session& session) {
    if (!session.congestion && !session.slow) return;
    const bool queue_low = session.queue.size() <= settings_.max_queued_messages / 4;
    const bool bytes_low =
        !session.connection || session.connection->link.pending_output() <= settings_.max_output_buffer / 2;
    if (!queue_low || !bytes_low) {
        if (session.connection && !bytes_low) session.connection->link.notify_when_drained();
        return;
    }
    session.slow = false;
    release_publishers(session);
}

void Broker::release_publishers(Session& session) {
    if (!session.congestion) return;
    std::erase(congested_, &session);
    for (std::uint64_t id : session.congestion->waiting_publishers) {
        auto it = connections_.find(id);
        if (it == connections_.end() || !it->second->reading_paused) continue;
        it->second->reading_paused = false;
        it->second->link.resume_reading();
    }
    session.congestion.reset();
}

void Broker::release_stalled() {
    const auto now = clock_.now();
    const std::vector<Session*> congested = congested_;
    for (Session* session : congested) {
        if (now - session->congestion->since < settings_.max_stall) continue;
        session->slow = true;
        release_publishers(*session);
        if (session->connection) session->connection->link.notify_when_drained();
    }
}

}  // namespace wg::core
