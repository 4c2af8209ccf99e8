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
    if (std::find(session.waiting_publishers.begin(), session.waiting_publishers.end(), publisher->id) ==
        session.waiting_publishers.end())
        session.waiting_publishers.push_back(publisher->id);
    if (!publisher->reading_paused) {
        publisher->reading_paused = true;
        publisher->link.pause_reading();
    }
    if (!session.congested_since) {
        session.congested_since = clock_.now();
        congested_.push_back(&session);
        session.connection->link.notify_when_drained();
    }
}

void Broker::on_output_drained(Connection& connection) {
    if (connection.session) check_drained(*connection.session);
}

// Releases the session's publishers once both its byte backlog and its queue
// are down to half their limits.
void Broker::check_drained(Session& session) {
    if (!session.congested_since && !session.slow) return;
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
    session.congested_since.reset();
    std::erase(congested_, &session);
    for (std::uint64_t id : session.waiting_publishers) {
        auto it = connections_.find(id);
        if (it == connections_.end() || !it->second->reading_paused) continue;
        it->second->reading_paused = false;
        it->second->link.resume_reading();
    }
    session.waiting_publishers.clear();
}

void Broker::release_stalled() {
    const auto now = clock_.now();
    const std::vector<Session*> congested = congested_;
    for (Session* session : congested) {
        if (now - *session->congested_since < settings_.max_stall) continue;
        session->slow = true;
        release_publishers(*session);
        if (session->connection) session->connection->link.notify_when_drained();
    }
}

}  // namespace wg::core
