#include "config/bridge_reader.h"

#include <array>
#include <span>
#include <vector>

#include "config/bridge_checks.h"
#include "config/toml_reader.h"

namespace wg::config {
namespace {

constexpr std::array<std::string_view, 37> kBridgeKeys{
    "name",          "address",       "mqtt_version",  "client_id",   "username",
    "password",      "keep_alive",    "clean_session", "ca_file",     "cert_file",
    "key_file",      "alpn",          "server_name",   "verify",      "will_topic",
    "will_payload",  "will_qos",      "will_retain",   "birth_topic", "birth_payload",
    "birth_qos",     "birth_retain",  "reconnect_initial_ms", "reconnect_max_ms", "max_inflight",
    "outbox_max_messages", "outbox_max_bytes", "forward", "downlink", "liveness", "session_expiry",
    "max_messages_per_second", "max_bytes_per_second", "profile", "aws_iot", "huawei_iotda"};
constexpr std::array<std::string_view, 3> kAwsIotKeys{"thing_name", "shadow", "device_thing_prefix"};
constexpr std::array<std::string_view, 8> kHuaweiIotdaKeys{"device_id",     "secret",        "check_timestamp",
                                                           "sub_device_id", "sub_devices",   "telemetry",
                                                           "command_topic", "response_topic"};
constexpr std::array<std::string_view, 3> kHuaweiTelemetryKeys{"local", "client_id", "service_id"};
constexpr std::array<std::string_view, 4> kForwardKeys{"local", "remote", "qos", "retain"};
constexpr std::array<std::string_view, 4> kDownlinkKeys{"remote", "local", "qos", "retain"};
constexpr std::array<std::string_view, 3> kLivenessKeys{"topic", "qos", "retain"};

std::optional<std::string> any_string(std::string_view) { return std::nullopt; }

class BridgeReader : private TomlReader {
public:
    explicit BridgeReader(const std::string& file) : TomlReader{file} {}

    void read(const toml::table& root, Config& config) const {
        const toml::node* node = root.get("bridge");
        if (node == nullptr) return;
        const toml::array* array = node->as_array();
        if (array == nullptr) fail(line_of(*node), "bridge", "expected an array of tables ([[bridge]]), got " + describe_type(*node));
        std::vector<std::size_t> lines;
        for (std::size_t i = 0; i < array->size(); ++i) {
            const toml::node& element = *array->get(i);
            const std::string key = "bridge[" + std::to_string(i) + "]";
            const toml::table* table = element.as_table();
            if (table == nullptr) fail(line_of(element), key, "expected a table ([[bridge]]), got " + describe_type(element));
            config.bridges.push_back(read_bridge(*table, key));
            lines.push_back(line_of(*table));
        }
        if (const auto problem = find_bridges_problem(config.bridges, config.storage)) {
            const std::size_t index = std::stoul(problem->key.substr(7));
            const toml::table& table = *array->get(index)->as_table();
            const toml::node* name = table.get("name");
            fail(name != nullptr && problem->key.ends_with(".name") ? line_of(*name) : lines[index], problem->key,
                 problem->message);
        }
    }

private:
    Bridge read_bridge(const toml::table& table, const std::string& key) const {
        reject_unknown_keys(table, key, kBridgeKeys);
        if (const toml::node* node = table.get("server_name"))
            fail(line_of(*node), key + ".server_name",
                 "not supported: Paho MQTT sends and checks the host name of the address (put that name in address)");
        Bridge bridge;
        if (table.get("name") == nullptr) fail(line_of(table), key + ".name", "missing (every bridge needs a name)");
        read_string(table, key, "name", check_bridge_name, bridge.name);
        read_string(table, key, "profile", check_bridge_profile, bridge.profile);
        bridge.addresses = read_strings(table, key, "address", check_bridge_address, true);
        read_string(table, key, "mqtt_version", check_mqtt_version, bridge.mqtt_version);
        read_string(table, key, "client_id", check_client_id, bridge.client_id);
        // aws_iot: the thing name; huawei_iotda: computed from the device id.
        if (bridge.client_id.empty() && bridge.profile == "generic") bridge.client_id = "willgate-" + bridge.name;
        read_string(table, key, "username", any_string, bridge.username);
        read_string(table, key, "password", any_string, bridge.password);
        read_integer(table, key, "keep_alive", kBridgeKeepAliveRange, bridge.keep_alive);
        read_bool(table, key, "clean_session", bridge.clean_session);
        read_integer(table, key, "session_expiry", kSessionExpiryRange, bridge.session_expiry);
        read_string(table, key, "ca_file", check_readable_file, bridge.ca_file);
        read_string(table, key, "cert_file", check_readable_file, bridge.cert_file);
        read_string(table, key, "key_file", check_readable_file, bridge.key_file);
        bridge.alpn = read_strings(table, key, "alpn", check_alpn, false);
        read_bool(table, key, "verify", bridge.verify);
        read_string(table, key, "will_topic", check_optional_topic_name, bridge.will_topic);
        read_string(table, key, "will_payload", any_string, bridge.will_payload);
        read_integer(table, key, "will_qos", kQosRange, bridge.will_qos);
        read_bool(table, key, "will_retain", bridge.will_retain);
        read_string(table, key, "birth_topic", check_optional_topic_name, bridge.birth_topic);
        read_string(table, key, "birth_payload", any_string, bridge.birth_payload);
        read_integer(table, key, "birth_qos", kQosRange, bridge.birth_qos);
        read_bool(table, key, "birth_retain", bridge.birth_retain);
        read_integer(table, key, "reconnect_initial_ms", kReconnectMsRange, bridge.reconnect_initial_ms);
        read_integer(table, key, "reconnect_max_ms", kReconnectMsRange, bridge.reconnect_max_ms);
        read_integer(table, key, "max_inflight", kBridgeMaxInflightRange, bridge.max_inflight);
        read_integer(table, key, "max_messages_per_second", kMessagesPerSecondRange, bridge.max_messages_per_second);
        read_integer(table, key, "max_bytes_per_second", kBytesPerSecondRange, bridge.max_bytes_per_second);
        read_integer(table, key, "outbox_max_messages", kOutboxMaxMessagesRange, bridge.outbox_max_messages);
        read_integer(table, key, "outbox_max_bytes", kOutboxMaxBytesRange, bridge.outbox_max_bytes);
        std::vector<const toml::table*> rules = read_forward(table, key, bridge);
        std::vector<const toml::table*> downlinks = read_downlink(table, key, bridge);
        const toml::table* liveness = read_liveness(table, key, bridge);
        const toml::table* profile = read_aws_iot(table, key, bridge);
        if (const toml::table* huawei = read_huawei_iotda(table, key, bridge)) profile = huawei;
        // A profile's table under another profile would be ignored: say so.
        for (const auto& [name, wanted] : {std::pair{"aws_iot", "aws_iot"}, std::pair{"huawei_iotda", "huawei_iotda"}}) {
            const toml::node* node = table.get(name);
            if (node != nullptr && bridge.profile != wanted)
                fail(line_of(*node), key + "." + name,
                     std::string{"[bridge."} + name + "] needs profile = \"" + wanted + "\" (the bridge's profile is \"" +
                         bridge.profile + "\")");
        }
        if (const auto problem = find_bridge_problem(bridge, key))
            fail(problem_line(table, rules, downlinks, liveness, profile, key, problem->key), problem->key,
                 problem->message);
        return bridge;
    }

    std::vector<const toml::table*> read_forward(const toml::table& table, const std::string& key, Bridge& bridge) const {
        std::vector<const toml::table*> rules;
        const toml::node* node = table.get("forward");
        if (node == nullptr) return rules;
        const toml::array* array = node->as_array();
        if (array == nullptr)
            fail(line_of(*node), key + ".forward", "expected an array of tables ([[bridge.forward]]), got " + describe_type(*node));
        for (std::size_t i = 0; i < array->size(); ++i) {
            const toml::node& element = *array->get(i);
            const std::string rule_key = key + ".forward[" + std::to_string(i) + "]";
            const toml::table* rule_table = element.as_table();
            if (rule_table == nullptr)
                fail(line_of(element), rule_key, "expected a table ([[bridge.forward]]), got " + describe_type(element));
            reject_unknown_keys(*rule_table, rule_key, kForwardKeys);
            if (rule_table->get("local") == nullptr)
                fail(line_of(*rule_table), rule_key + ".local", "missing (the local topic filter to forward)");
            ForwardRule rule;
            read_string(*rule_table, rule_key, "local", check_topic_filter, rule.local);
            read_string(*rule_table, rule_key, "remote", any_string, rule.remote);
            read_integer(*rule_table, rule_key, "qos", kQosRange, rule.qos);
            read_bool(*rule_table, rule_key, "retain", rule.retain);
            bridge.forward.push_back(std::move(rule));
            rules.push_back(rule_table);
        }
        return rules;
    }

    std::vector<const toml::table*> read_downlink(const toml::table& table, const std::string& key, Bridge& bridge) const {
        std::vector<const toml::table*> rules;
        const toml::node* node = table.get("downlink");
        if (node == nullptr) return rules;
        const toml::array* array = node->as_array();
        if (array == nullptr)
            fail(line_of(*node), key + ".downlink", "expected an array of tables ([[bridge.downlink]]), got " + describe_type(*node));
        for (std::size_t i = 0; i < array->size(); ++i) {
            const toml::node& element = *array->get(i);
            const std::string rule_key = key + ".downlink[" + std::to_string(i) + "]";
            const toml::table* rule_table = element.as_table();
            if (rule_table == nullptr)
                fail(line_of(element), rule_key, "expected a table ([[bridge.downlink]]), got " + describe_type(element));
            reject_unknown_keys(*rule_table, rule_key, kDownlinkKeys);
            if (rule_table->get("remote") == nullptr)
                fail(line_of(*rule_table), rule_key + ".remote", "missing (the cloud topic filter to subscribe to)");
            DownlinkRule rule;
            read_string(*rule_table, rule_key, "remote", check_topic_filter, rule.remote);
            read_string(*rule_table, rule_key, "local", any_string, rule.local);
            read_integer(*rule_table, rule_key, "qos", kQosRange, rule.qos);
            read_bool(*rule_table, rule_key, "retain", rule.retain);
            bridge.downlink.push_back(std::move(rule));
            rules.push_back(rule_table);
        }
        return rules;
    }

    const toml::table* read_liveness(const toml::table& table, const std::string& key, Bridge& bridge) const {
        const toml::node* node = table.get("liveness");
        if (node == nullptr) return nullptr;
        const toml::table* liveness = node->as_table();
        const std::string liveness_key = key + ".liveness";
        if (liveness == nullptr)
            fail(line_of(*node), liveness_key, "expected a table ([bridge.liveness]), got " + describe_type(*node));
        reject_unknown_keys(*liveness, liveness_key, kLivenessKeys);
        if (liveness->get("topic") == nullptr)
            fail(line_of(*liveness), liveness_key + ".topic", "missing (the cloud topic template, with {client_id})");
        read_string(*liveness, liveness_key, "topic", check_liveness_template, bridge.liveness.topic);
        read_integer(*liveness, liveness_key, "qos", kQosRange, bridge.liveness.qos);
        read_bool(*liveness, liveness_key, "retain", bridge.liveness.retain);
        return liveness;
    }

    // A sub-table such as [bridge.aws_iot]; null when absent.
    const toml::table* sub_table(const toml::table& table, const std::string& key, std::string_view name,
                                 std::span<const std::string_view> keys) const {
        const toml::node* node = table.get(name);
        if (node == nullptr) return nullptr;
        const toml::table* sub = node->as_table();
        const std::string sub_key = key + "." + std::string{name};
        if (sub == nullptr)
            fail(line_of(*node), sub_key, "expected a table ([bridge." + std::string{name} + "]), got " + describe_type(*node));
        if (!keys.empty()) reject_unknown_keys(*sub, sub_key, keys);  // none: any key (sub_devices)
        return sub;
    }

    const toml::table* read_aws_iot(const toml::table& table, const std::string& key, Bridge& bridge) const {
        const toml::table* aws = sub_table(table, key, "aws_iot", kAwsIotKeys);
        if (aws == nullptr) return nullptr;
        const std::string aws_key = key + ".aws_iot";
        read_string(*aws, aws_key, "thing_name", check_aws_thing_name, bridge.aws_iot.thing_name);
        read_string(*aws, aws_key, "shadow", check_aws_shadow_mode, bridge.aws_iot.shadow);
        read_string(*aws, aws_key, "device_thing_prefix", check_aws_thing_prefix, bridge.aws_iot.device_thing_prefix);
        return aws;
    }

    const toml::table* read_huawei_iotda(const toml::table& table, const std::string& key, Bridge& bridge) const {
        const toml::table* huawei = sub_table(table, key, "huawei_iotda", kHuaweiIotdaKeys);
        if (huawei == nullptr) return nullptr;
        const std::string huawei_key = key + ".huawei_iotda";
        HuaweiIotda& settings = bridge.huawei_iotda;
        read_string(*huawei, huawei_key, "device_id", check_iotda_device_id, settings.device_id);
        read_string(*huawei, huawei_key, "secret", any_string, settings.secret);
        read_bool(*huawei, huawei_key, "check_timestamp", settings.check_timestamp);
        read_string(*huawei, huawei_key, "sub_device_id", check_iotda_sub_device_template, settings.sub_device_id);
        read_string(*huawei, huawei_key, "command_topic", check_iotda_command_topic, settings.command_topic);
        read_string(*huawei, huawei_key, "response_topic", check_iotda_response_topic, settings.response_topic);
        if (const toml::table* devices = sub_table(*huawei, huawei_key, "sub_devices", {})) {
            for (const auto& [client_id, value] : *devices) {
                const toml::value<std::string>* id = value.as_string();
                const std::string device_key = huawei_key + ".sub_devices." + std::string{client_id.str()};
                if (id == nullptr) fail(line_of(value), device_key, "expected a string (the IoTDA sub-device id), got " + describe_type(value));
                if (auto problem = check_iotda_device_id(id->get())) fail(line_of(value), device_key, *problem);
                settings.sub_devices.emplace(std::string{client_id.str()}, id->get());
            }
        }
        if (const toml::node* node = huawei->get("telemetry")) {
            const toml::array* array = node->as_array();
            if (array == nullptr)
                fail(line_of(*node), huawei_key + ".telemetry",
                     "expected an array of tables ([[bridge.huawei_iotda.telemetry]]), got " + describe_type(*node));
            for (std::size_t i = 0; i < array->size(); ++i) {
                const toml::node& element = *array->get(i);
                const std::string rule_key = huawei_key + ".telemetry[" + std::to_string(i) + "]";
                const toml::table* rule_table = element.as_table();
                if (rule_table == nullptr)
                    fail(line_of(element), rule_key, "expected a table ([[bridge.huawei_iotda.telemetry]]), got " + describe_type(element));
                reject_unknown_keys(*rule_table, rule_key, kHuaweiTelemetryKeys);
                for (const char* required : {"local", "service_id"})
                    if (rule_table->get(required) == nullptr) fail(line_of(*rule_table), rule_key + "." + required, "missing");
                HuaweiTelemetry rule;
                read_string(*rule_table, rule_key, "local", check_topic_filter, rule.local);
                read_string(*rule_table, rule_key, "client_id", any_string, rule.client_id);
                read_string(*rule_table, rule_key, "service_id", check_iotda_service_id, rule.service_id);
                if (auto problem = check_remote_template(rule.client_id, rule.local))
                    fail(line_of(*rule_table), rule_key + ".client_id", *problem);
                settings.telemetry.push_back(std::move(rule));
            }
        }
        return huawei;
    }

    // The line of the key a problem names: "bridge[0].forward[1].remote", "bridge[0].key_file".
    std::size_t problem_line(const toml::table& table, const std::vector<const toml::table*>& rules,
                             const std::vector<const toml::table*>& downlinks, const toml::table* liveness,
                             const toml::table* profile, const std::string& key, const std::string& problem_key) const {
        std::string_view rest = std::string_view{problem_key}.substr(key.size());
        const toml::table* where = &table;
        for (const auto& [prefix, tables] : {std::pair{std::string_view{".forward["}, &rules},
                                             std::pair{std::string_view{".downlink["}, &downlinks}}) {
            if (!rest.starts_with(prefix)) continue;
            const std::size_t index = std::stoul(std::string{rest.substr(prefix.size())});
            if (index < tables->size()) where = (*tables)[index];
            rest = rest.substr(rest.find(']') + 1);
        }
        if (rest.starts_with(".liveness") && liveness != nullptr) {
            where = liveness;
            rest = rest.substr(9);
        }
        for (const std::string_view name : {std::string_view{".aws_iot"}, std::string_view{".huawei_iotda"}}) {
            if (rest.starts_with(name) && profile != nullptr) {
                where = profile;
                rest = rest.substr(name.size());
            }
        }
        if (rest.starts_with('.'))
            if (const toml::node* node = where->get(rest.substr(1))) return line_of(*node);
        return line_of(*where);
    }

    // A string or an array of strings (`required`: at least one).
    template <typename Check>
    std::vector<std::string> read_strings(const toml::table& table, const std::string& path, std::string_view name,
                                          Check check, bool required) const {
        std::vector<std::string> values;
        const toml::node* node = table.get(name);
        const std::string key = join(path, name);
        if (node == nullptr) {
            if (required) fail(line_of(table), key, "missing");
            return values;
        }
        if (const toml::value<std::string>* text = node->as_string()) {
            if (const auto problem = check(text->get())) fail(line_of(*node), key, *problem);
            values.push_back(text->get());
            return values;
        }
        const toml::array* array = node->as_array();
        if (array == nullptr) fail(line_of(*node), key, "expected a string or an array of strings, got " + describe_type(*node));
        if (array->empty() && required) fail(line_of(*node), key, "at least one is required");
        for (const toml::node& element : *array) {
            const toml::value<std::string>* text = element.as_string();
            if (text == nullptr) fail(line_of(element), key, "expected strings, got " + describe_type(element));
            if (const auto problem = check(text->get())) fail(line_of(element), key, *problem);
            values.push_back(text->get());
        }
        return values;
    }
};

}  // namespace

void read_bridges(const std::string& file, const toml::table& root, Config& config) {
    BridgeReader{file}.read(root, config);
}

}  // namespace wg::config
