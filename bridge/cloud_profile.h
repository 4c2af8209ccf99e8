#pragma once
// A cloud profile: what a particular cloud (AWS IoT Core, Huawei Cloud IoTDA)
// changes in a bridge. The generic profile changes nothing; the others set the
// connection's rules (credentials, limits), guard every message against the
// cloud's documented limits before it is sent, speak device liveness in the
// cloud's language, translate local messages into the cloud's envelopes, and
// answer the cloud's own messages (replies, commands).
//
// Threading:
//   - adjust() once, on the gateway's thread, before the bridge starts;
//   - connect_settings(), guard(), subscriptions() on the bridge's thread;
//   - translate() on the broker's event-loop thread (from the message tap):
//     quick, no I/O;
//   - liveness_format(): once, when the bridge is built; the format then runs
//     on the liveness feed's thread;
//   - on_cloud_message() on Paho's thread.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bridge/bridge_settings.h"
#include "bridge/liveness_format.h"
#include "willgate/local_publisher.h"
#include "willgate/message_tap.h"
#include "willgate/outbox.h"

namespace wg::bridge {

// What a profile may do with a message from its cloud.
class ProfileSink {
public:
    virtual ~ProfileSink() = default;
    // Publishes on the local broker (a command for a device, say).
    virtual void publish_local(broker::LocalMessage message) = 0;
    // Appends a message to the bridge's outbox (an answer to the cloud).
    virtual void send_to_cloud(broker::OutboxEntry entry) = 0;
    // A problem the cloud reported (shown as the bridge's last error and logged).
    virtual void report_error(std::string text) = 0;
    // Sends the device's current liveness again, in the profile's format, at
    // the end of the outbox (the cloud throttled or lost an update).
    virtual void resend_liveness(const std::string& client_id) = 0;
};

class CloudProfile {
public:
    virtual ~CloudProfile() = default;

    virtual std::string_view name() const = 0;

    // Applies the profile's connection rules and limits to the settings (the
    // gateway's, from the config); returns warnings for the log.
    virtual std::vector<std::string> adjust(BridgeSettings&) { return {}; }

    // The settings for the next connection attempt; nullopt: the same as
    // before (built once). Huawei's credentials change every hour.
    virtual std::optional<BridgeSettings> connect_settings(const BridgeSettings&, std::int64_t /*now_ms*/) {
        return std::nullopt;
    }

    // Before a message is published: it may be adjusted in place; a returned
    // reason sets it aside (outbox_rejected), never to be retried.
    virtual std::optional<std::string> guard(broker::OutboxRow&) const { return std::nullopt; }
    // Whether guard() does anything (the generic profile spares a copy of each row).
    virtual bool guards() const { return false; }

    // A local message the profile turns into a cloud message of its own
    // (telemetry in the cloud's envelope, a device's answer to a command);
    // nullopt: not the profile's (the forward rules decide).
    virtual std::optional<broker::OutboxEntry> translate(const broker::TappedMessage&, std::int64_t /*now_ms*/) const {
        return std::nullopt;
    }

    // Device liveness in the cloud's language; null: the generic format of
    // [bridge.liveness], if configured.
    virtual std::unique_ptr<LivenessFormat> liveness_format() { return nullptr; }

    // Cloud topic filters to subscribe to at each connection, besides the
    // downlink rules, with their QoS.
    virtual std::vector<std::pair<std::string, std::uint8_t>> subscriptions() const { return {}; }

    // A message from the cloud; true: the profile handled it.
    virtual bool on_cloud_message(const std::string& /*topic*/, const std::string& /*payload*/, ProfileSink&) {
        return false;
    }
};

// The generic profile: any MQTT broker, nothing changed.
class GenericProfile final : public CloudProfile {
public:
    std::string_view name() const override { return "generic"; }
};

}  // namespace wg::bridge
