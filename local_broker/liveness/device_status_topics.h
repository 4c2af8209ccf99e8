#pragma once
// Device liveness on the local broker, so local applications can follow it
// with any MQTT client:
//
//   $SYS/willgate/devices/{client id}/status
//   with the JSON of common/device_status_text.h
//
// Each change is published as it happens (QoS 0, not retained in the broker's
// memory); a new subscription gets the current status of every device it
// matches as retained messages, read from the liveness registry (a
// RetainedSource), so the broker keeps nothing per device. In the client id
// level, "/", "+", "#" and "%" are written %2F, %2B, %23 and %25
// (topic_level_of()).
//
// Threading: the observer functions run on the broker's event-loop thread and
// must not call the broker: `publish` hands the message to the loop (the
// gateway posts it). for_each() runs on the loop thread too; `before_read`
// (the store's flush) makes the registry current first.

#include <functional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "willgate/connection_events.h"
#include "willgate/liveness.h"
#include "willgate/retained_source.h"

namespace wg::liveness {

class DeviceStatusTopics final : public broker::ConnectionObserver, public broker::RetainedSource {
public:
    using Publish = std::function<void(std::string topic, std::string payload)>;
    static constexpr std::string_view kPrefix = "$SYS/willgate/devices/";

    DeviceStatusTopics(const Clock& clock, LivenessReader& reader, Publish publish,
                       std::function<void()> before_read = {});

    void on_connected(const broker::ConnectedEvent& event) override;
    void on_disconnected(const broker::DisconnectedEvent& event) override;

    std::string_view prefix() const override { return kPrefix; }
    void for_each(const std::function<void(const std::string& topic, const std::string& payload)>& visit) override;

    static std::string topic(std::string_view client_id);
    static std::string payload(std::string_view client_id, bool online, std::int64_t since_ms, std::string_view cause,
                               std::string_view reason, std::string_view peer);

private:
    std::int64_t now_ms() const;

    const Clock& clock_;
    LivenessReader& reader_;
    Publish publish_;
    std::function<void()> before_read_;
};

}  // namespace wg::liveness
