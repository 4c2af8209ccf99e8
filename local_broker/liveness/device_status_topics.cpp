#include "local_broker/liveness/device_status_topics.h"

#include "common/json_text.h"

namespace wg::liveness {

DeviceStatusTopics::DeviceStatusTopics(const Clock& clock, LivenessReader& reader, Publish publish,
                                       std::function<void()> before_read)
    : clock_{clock}, reader_{reader}, publish_{std::move(publish)}, before_read_{std::move(before_read)} {}

std::int64_t DeviceStatusTopics::now_ms() const { return wall_ms(clock_); }

std::string DeviceStatusTopics::topic(std::string_view client_id) {
    std::string topic{kPrefix};
    for (const char c : client_id) {
        switch (c) {
            case '/': topic += "%2F"; break;
            case '+': topic += "%2B"; break;
            case '#': topic += "%23"; break;
            case '%': topic += "%25"; break;
            default: topic.push_back(c);
        }
    }
    return topic + "/status";
}

std::string DeviceStatusTopics::payload(std::string_view client_id, bool online, std::int64_t since_ms,
                                        std::string_view cause, std::string_view reason, std::string_view peer) {
    std::string json = "{\"client_id\":";
    json::append_string(json, client_id);
    json += online ? ",\"online\":true" : ",\"online\":false";
    json += ",\"since\":";
    json::append_string(json, json::iso8601_utc(since_ms));
    json += ",\"since_ms\":" + std::to_string(since_ms) + ",\"cause\":";
    json::append_string(json, cause);
    json += ",\"reason\":";
    json::append_string(json, reason);
    json += ",\"peer\":";
    json::append_string(json, peer);
    json += '}';
    return json;
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
