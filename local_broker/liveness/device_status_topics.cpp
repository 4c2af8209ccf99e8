#include "local_broker/liveness/device_status_topics.h"

#include "common/device_status_text.h"

namespace wg::liveness {

DeviceStatusTopics::DeviceStatusTopics(const Clock& clock, LivenessReader& reader, Publish publish,
                                       std::function<void()> before_read)
    : clock_{clock}, reader_{reader}, publish_{std::move(publish)}, before_read_{std::move(before_read)} {}

std::int64_t DeviceStatusTopics::now_ms() const { return wall_ms(clock_); }

std::string DeviceStatusTopics::topic(std::string_view client_id) {
    return std::string{kPrefix} + topic_level_of(client_id) + "/status";
}

std::string DeviceStatusTopics::payload(std::string_view client_id, bool online, std::int64_t since_ms,
                                        std::string_view cause, std::string_view reason, std::string_view peer) {
    return device_status_json(client_id, online, since_ms, cause, reason, peer);
}

void DeviceStatusTopics::on_connected(const broker::ConnectedEvent& event) {
    publish_(topic(event.client_id), payload(event.client_id, true, now_ms(), {}, {}, event.peer));
}

void DeviceStatusTopics::on_disconnected(const broker::DisconnectedEvent& event) {
    publish_(topic(event.client_id),
             payload(event.client_id, false, now_ms(), broker::cause_name(event.cause), event.reason, event.peer));
}

void DeviceStatusTopics::for_each(
    const std::function<void(const std::string& topic, const std::string& payload)>& visit) {
    if (before_read_) before_read_();
    for (const DeviceStatus& device : reader_.devices()) {
        visit(topic(device.client_id), payload(device.client_id, device.online, device.since_ms,
                                               device.online ? std::string_view{} : device.last_cause,
                                               device.online ? std::string_view{} : device.last_reason, device.peer));
    }
}

}  // namespace wg::liveness
