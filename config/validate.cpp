#include "config/validate.h"

#include <optional>
#include <string>

#include "config/bridge_checks.h"
#include "config/checks.h"

namespace wg::config {
namespace {

std::string listener_key(std::size_t index) { return "listener[" + std::to_string(index) + "]"; }

class Validator {
public:
    explicit Validator(const Config& config)
        : file_{config.source.empty() ? "built-in defaults" : config.source} {}

    void check(const std::optional<std::string>& problem, const std::string& key) const {
        if (problem) {
            throw ConfigError{file_, 0, key, *problem};
        }
    }

private:
    std::string file_;
};

void validate_bridges(const Validator& validator, const Config& config) {
    for (std::size_t i = 0; i < config.bridges.size(); ++i) {
        const Bridge& bridge = config.bridges[i];
        const std::string key = "bridge[" + std::to_string(i) + "]";
        validator.check(check_bridge_name(bridge.name), key + ".name");
        for (const std::string& address : bridge.addresses) validator.check(check_bridge_address(address), key + ".address");
        validator.check(check_mqtt_version(bridge.mqtt_version), key + ".mqtt_version");
        validator.check(check_client_id(bridge.client_id), key + ".client_id");
        validator.check(check_optional_topic_name(bridge.will_topic), key + ".will_topic");
        validator.check(check_optional_topic_name(bridge.birth_topic), key + ".birth_topic");
        validator.check(check_range(bridge.will_qos, kQosRange), key + ".will_qos");
        validator.check(check_range(bridge.birth_qos, kQosRange), key + ".birth_qos");
        validator.check(check_range(bridge.reconnect_initial_ms, kReconnectMsRange), key + ".reconnect_initial_ms");
        validator.check(check_range(bridge.reconnect_max_ms, kReconnectMsRange), key + ".reconnect_max_ms");
        validator.check(check_range(bridge.max_inflight, kBridgeMaxInflightRange), key + ".max_inflight");
        validator.check(check_range(static_cast<std::int64_t>(bridge.outbox_max_messages), kOutboxMaxMessagesRange),
                        key + ".outbox_max_messages");
        validator.check(check_range(static_cast<std::int64_t>(bridge.outbox_max_bytes), kOutboxMaxBytesRange),
                        key + ".outbox_max_bytes");
        for (std::size_t r = 0; r < bridge.forward.size(); ++r)
            validator.check(check_range(bridge.forward[r].qos, kQosRange),
                            key + ".forward[" + std::to_string(r) + "].qos");
        if (const auto problem = find_bridge_problem(bridge, key)) validator.check(problem->message, problem->key);
    }
    if (const auto problem = find_bridges_problem(config.bridges, config.storage))
        validator.check(problem->message, problem->key);
}

}  // namespace

void validate(const Config& config) {
    const Validator validator{config};
    if (config.listeners.empty()) {
        validator.check("at least one listener is required", "listener");
    }
    for (std::size_t i = 0; i < config.listeners.size(); ++i) {
        validator.check(check_bind_address(config.listeners[i].bind), listener_key(i) + ".bind");
    }
    if (const auto conflict = find_listener_conflict(config.listeners)) {
        validator.check(conflict->message + " (" + listener_key(conflict->first) + ")",
                        listener_key(conflict->second));
    }

    const Limits& limits = config.limits;
    validator.check(check_range(limits.max_packet_size, kMaxPacketSizeRange),
                    "limits.max_packet_size");
    validator.check(check_range(limits.max_connections, kMaxConnectionsRange),
                    "limits.max_connections");
    validator.check(check_range(limits.max_inflight_messages, kMaxInflightMessagesRange),
                    "limits.max_inflight_messages");
    validator.check(check_range(limits.max_queued_messages, kMaxQueuedMessagesRange),
                    "limits.max_queued_messages");
    validator.check(check_range(limits.max_output_buffer, kMaxOutputBufferRange),
                    "limits.max_output_buffer");
    validator.check(check_range(limits.connect_timeout, kConnectTimeoutRange),
                    "limits.connect_timeout");
    validator.check(check_range(limits.max_topic_alias, kMaxTopicAliasRange),
                    "limits.max_topic_alias");
    validator.check(check_range(limits.max_keep_alive, kMaxKeepAliveRange),
                    "limits.max_keep_alive");

    validator.check(check_range(config.monitoring.sys_interval, kSysIntervalRange), "monitoring.sys_interval");
    validator.check(check_range(config.liveness.history_max_days, kHistoryMaxDaysRange),
                    "liveness.history_max_days");
    validator.check(check_range(config.liveness.history_max_rows, kHistoryMaxRowsRange),
                    "liveness.history_max_rows");
    validator.check(check_log_level(config.log.level), "log.level");
    validator.check(check_data_dir(config.storage.data_dir), "storage.data_dir");
    validator.check(check_database(config.storage.database), "storage.database");
    validator.check(check_durability(config.storage.durability), "storage.durability");

    const Web& web = config.web;
    validator.check(check_web_bind(web.bind), "web.bind");
    validator.check(check_range(web.max_streams, kMaxStreamsRange), "web.max_streams");
    for (std::size_t i = 0; i < web.users.size(); ++i) {
        const std::string key = "web.user[" + std::to_string(i) + "]";
        validator.check(check_user_name(web.users[i].name), key + ".name");
        validator.check(check_password_hash(web.users[i].password_hash), key + ".password_hash");
    }
    if (const auto problem = find_web_problem(web, config.listeners)) {
        validator.check(problem->message, problem->key);
    }
    validate_bridges(validator, config);
}

}  // namespace wg::config
