#include "local_broker/liveness/liveness_recorder.h"

namespace wg::liveness {

namespace {

DeviceCounters counters(const broker::ConnectionActivity& activity) {
    return DeviceCounters{epoch_ms(activity.last_seen), activity.messages_received, activity.messages_sent,
                          activity.bytes_received, activity.bytes_sent};
}

}  // namespace

std::int64_t LivenessRecorder::now_ms() const { return wall_ms(clock_); }

void LivenessRecorder::on_connected(const broker::ConnectedEvent& event) {
    DeviceConnection connection;
    connection.client_id = event.client_id;
    connection.at_ms = now_ms();
    connection.peer = event.peer;
    connection.username = event.username;
    connection.protocol_version = event.protocol_version;
    connection.keep_alive = event.keep_alive;
    connection.clean_session = event.clean_session;
    if (event.will) {
        connection.will = HeldWill{event.will->topic, event.will->qos, event.will->retain, event.will->delay_seconds,
                                   event.will->payload_size};
    }
    persistence_.device_connected(connection);
}

void LivenessRecorder::on_disconnected(const broker::DisconnectedEvent& event) {
    persistence_.device_disconnected(DeviceDisconnection{event.client_id, now_ms(), event.peer,
                                                         std::string{broker::cause_name(event.cause)}, event.reason,
                                                         event.will_published, counters(event.activity)});
}

void LivenessRecorder::on_activity(const broker::ActivityEvent& event) {
    persistence_.device_activity(DeviceActivity{event.client_id, counters(event.activity)});
}

void LivenessRecorder::on_will_published(const broker::WillPublishedEvent& event) {
    persistence_.device_will_published(DeviceWill{event.client_id, PublishedWill{event.topic, event.payload, now_ms()}});
}

}  // namespace wg::liveness
