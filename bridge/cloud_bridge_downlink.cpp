// CloudBridge: what comes from the cloud. Downlink subscriptions at each
// connect, cloud messages (the profile's first, then the downlink rules) on
// Paho's thread, and the ProfileSink the profile answers through.
#include "bridge/cloud_bridge.h"

#include <mqtt/async_client.h>

#include "common/log.h"

namespace wg::bridge {

// Each connect (a clean session forgets them): what fails is logged, the rest goes on.
void CloudBridge::subscribe_downlink() {
    std::vector<std::pair<std::string, std::uint8_t>> filters = profile_->subscriptions();
    for (const DownlinkRuleSettings& rule : downlink_.rules()) filters.emplace_back(rule.remote, rule.qos);
    for (const auto& [filter, qos] : filters) {
        try {
            client_->subscribe(filter, qos);
        } catch (const mqtt::exception& error) {
            log::warning("bridge " + settings_.name + ": cannot subscribe to " + filter + ": " + error.what());
        }
    }
}

void CloudBridge::publish_local(broker::LocalMessage message) {
    if (local_ == nullptr) return;
    local_->publish_local(std::move(message), &tap_);
    std::lock_guard lock{status_mutex_};
    ++status_.received;
}

void CloudBridge::send_to_cloud(broker::OutboxEntry entry) {
    entry.queued_ms = now_ms();
    outbox_.outbox_append(settings_.name, std::move(entry));
}

void CloudBridge::resend_liveness(const std::string& client_id) {
    if (liveness_feed_) liveness_feed_->resend(client_id);
}

void CloudBridge::report_error(std::string text) {
    log::warning("bridge " + settings_.name + ": " + text);
    std::lock_guard lock{status_mutex_};
    status_.last_error = std::move(text);
}

// Paho's thread: a message from the cloud, down to the local broker.
void CloudBridge::on_cloud_message(const std::string& topic, const std::string& payload, int qos, bool retain) {
    try {
        if (profile_->on_cloud_message(topic, payload, *this)) return;
    } catch (const std::exception& error) {
        report_error("cannot handle the cloud's message on " + topic + ": " + error.what());
        return;
    }
    auto local = downlink_.match(topic, static_cast<std::uint8_t>(qos), retain);
    if (!local || local_ == nullptr) {
        log::debug("bridge " + settings_.name + ": ignored a message from the cloud on " + topic + " (no downlink rule)");
        return;
    }
    publish_local(broker::LocalMessage{std::move(local->topic), payload, local->qos, local->retain});
}

}  // namespace wg::bridge
