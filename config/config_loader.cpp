#include "config/config_loader.h"

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>
#include <system_error>
#include <utility>
#include <vector>

#include "config/bridge_reader.h"
#include "config/checks.h"
#include "config/toml_reader.h"
#include "config/validate.h"

namespace wg::config {
namespace {

using KeyList = std::span<const std::string_view>;

constexpr std::array<std::string_view, 8> kTopLevelKeys{"listener", "limits",     "log", "storage",
                                                        "liveness", "monitoring", "web", "bridge"};
constexpr std::array<std::string_view, 1> kMonitoringKeys{"sys_interval"};
constexpr std::array<std::string_view, 2> kLivenessKeys{"history_max_days", "history_max_rows"};
constexpr std::array<std::string_view, 2> kListenerKeys{"bind", "port"};
constexpr std::array<std::string_view, 8> kLimitsKeys{
    "max_packet_size",     "max_connections",   "max_inflight_messages",
    "max_queued_messages", "max_output_buffer", "connect_timeout",
    "max_topic_alias",     "max_keep_alive"};
constexpr std::array<std::string_view, 1> kLogKeys{"level"};
constexpr std::array<std::string_view, 3> kStorageKeys{"data_dir", "database", "durability"};
constexpr std::array<std::string_view, 8> kWebKeys{"enabled",  "bind",    "port",        "user",
                                                   "tls_cert", "tls_key", "max_streams", "public_metrics"};
constexpr std::array<std::string_view, 2> kWebUserKeys{"name", "password_hash"};

std::string listener_key(std::size_t index) { return "listener[" + std::to_string(index) + "]"; }

std::string web_user_key(std::size_t index) { return "web.user[" + std::to_string(index) + "]"; }

// Turns the TOML document into a Config, throwing ConfigError at the first problem.
class ConfigReader : private TomlReader {
public:
    explicit ConfigReader(const std::string& file) : TomlReader{file} {}

    Config read(const toml::table& root) const {
        Config config;
        reject_unknown_keys(root, "", kTopLevelKeys);
        read_listeners(root, config.listeners);
        if (const toml::table* limits = child_table(root, "limits")) {
            read_limits(*limits, config.limits);
        }
        if (const toml::table* log = child_table(root, "log")) {
            reject_unknown_keys(*log, "log", kLogKeys);
            read_string(*log, "log", "level", check_log_level, config.log.level);
        }
        if (const toml::table* storage = child_table(root, "storage")) {
            reject_unknown_keys(*storage, "storage", kStorageKeys);
            read_string(*storage, "storage", "data_dir", check_data_dir, config.storage.data_dir);
            read_string(*storage, "storage", "database", check_database, config.storage.database);
            read_string(*storage, "storage", "durability", check_durability, config.storage.durability);
        }
        if (const toml::table* monitoring = child_table(root, "monitoring")) {
            reject_unknown_keys(*monitoring, "monitoring", kMonitoringKeys);
            read_integer(*monitoring, "monitoring", "sys_interval", kSysIntervalRange, config.monitoring.sys_interval);
        }
        if (const toml::table* liveness = child_table(root, "liveness")) {
            reject_unknown_keys(*liveness, "liveness", kLivenessKeys);
            read_integer(*liveness, "liveness", "history_max_days", kHistoryMaxDaysRange,
                         config.liveness.history_max_days);
            read_integer(*liveness, "liveness", "history_max_rows", kHistoryMaxRowsRange,
                         config.liveness.history_max_rows);
        }
        if (const toml::table* web = child_table(root, "web")) {
            read_web(*web, config);
        }
        read_bridges(file_, root, config);
        config.source = file_;
        return config;
    }

private:
    void read_listeners(const toml::table& root, std::vector<Listener>& listeners) const {
        const toml::node* node = root.get("listener");
        if (node == nullptr) {
            return;  // the default listener stays
        }
        const toml::array* array = node->as_array();
        if (array == nullptr) {
            fail(line_of(*node), "listener",
                 "expected an array of tables ([[listener]]), got " + describe_type(*node));
        }
        if (array->empty()) {
            fail(line_of(*node), "listener",
                 "at least one listener is required (leave out \"listener\" for the default "
                 "[::]:1883)");
        }
        listeners.clear();
        std::vector<std::size_t> lines;
        for (std::size_t i = 0; i < array->size(); ++i) {
            const toml::node& element = *array->get(i);
            const std::string key = listener_key(i);
            const toml::table* table = element.as_table();
            if (table == nullptr) {
                fail(line_of(element), key,
                     "expected a table ([[listener]]), got " + describe_type(element));
            }
            reject_unknown_keys(*table, key, kListenerKeys);
            Listener listener;
            read_string(*table, key, "bind", check_bind_address, listener.bind);
            read_integer(*table, key, "port", kPortRange, listener.port);
            listeners.push_back(std::move(listener));
            lines.push_back(line_of(*table));
        }
        if (const auto conflict = find_listener_conflict(listeners)) {
            fail(lines[conflict->second], listener_key(conflict->second),
                 conflict->message + " (" + listener_key(conflict->first) + ", line " +
                     std::to_string(lines[conflict->first]) + ")");
        }
    }

    void read_limits(const toml::table& table, Limits& limits) const {
        reject_unknown_keys(table, "limits", kLimitsKeys);
        read_integer(table, "limits", "max_packet_size", kMaxPacketSizeRange,
                     limits.max_packet_size);
        read_integer(table, "limits", "max_connections", kMaxConnectionsRange,
                     limits.max_connections);
        read_integer(table, "limits", "max_inflight_messages", kMaxInflightMessagesRange,
                     limits.max_inflight_messages);
        read_integer(table, "limits", "max_queued_messages", kMaxQueuedMessagesRange,
                     limits.max_queued_messages);
        read_integer(table, "limits", "max_output_buffer", kMaxOutputBufferRange,
                     limits.max_output_buffer);
        read_integer(table, "limits", "connect_timeout", kConnectTimeoutRange,
                     limits.connect_timeout);
        read_integer(table, "limits", "max_topic_alias", kMaxTopicAliasRange,
                     limits.max_topic_alias);
        read_integer(table, "limits", "max_keep_alive", kMaxKeepAliveRange,
                     limits.max_keep_alive);
    }

    void read_web(const toml::table& table, Config& config) const {
        Web& web = config.web;
        reject_unknown_keys(table, "web", kWebKeys);
        read_bool(table, "web", "enabled", web.enabled);
        read_string(table, "web", "bind", check_web_bind, web.bind);
        read_integer(table, "web", "port", kPortRange, web.port);
        read_string(table, "web", "tls_cert", check_readable_file, web.tls_cert);
        read_string(table, "web", "tls_key", check_readable_file, web.tls_key);
        read_integer(table, "web", "max_streams", kMaxStreamsRange, web.max_streams);
        read_bool(table, "web", "public_metrics", web.public_metrics);
        std::vector<std::size_t> user_lines;
        if (const toml::node* node = table.get("user")) {
            const toml::array* array = node->as_array();
            if (array == nullptr) {
                fail(line_of(*node), "web.user", "expected an array of tables ([[web.user]]), got " + describe_type(*node));
            }
            for (std::size_t i = 0; i < array->size(); ++i) {
                const toml::node& element = *array->get(i);
                const std::string key = web_user_key(i);
                const toml::table* user_table = element.as_table();
                if (user_table == nullptr) {
                    fail(line_of(element), key, "expected a table ([[web.user]]), got " + describe_type(element));
                }
                reject_unknown_keys(*user_table, key, kWebUserKeys);
                WebUser user;
                for (const std::string_view required : kWebUserKeys) {
                    if (user_table->get(required) == nullptr) {
                        fail(line_of(*user_table), key + "." + std::string{required}, "missing (every user needs a name and a password_hash)");
                    }
                }
                read_string(*user_table, key, "name", check_user_name, user.name);
                read_string(*user_table, key, "password_hash", check_password_hash, user.password_hash);
                web.users.push_back(std::move(user));
                user_lines.push_back(line_of(*user_table->get("name")));
            }
        }
        if (const auto problem = find_web_problem(web, config.listeners)) {
            // The line of the key named, else of the [web] table.
            std::size_t line = line_of(table);
            if (problem->key.starts_with("web.user[")) {
                const std::size_t index = std::stoul(problem->key.substr(9));
                line = index < user_lines.size() ? user_lines[index] : line;
            } else if (const toml::node* node = table.get(std::string_view{problem->key}.substr(4))) {
                line = line_of(*node);
            }
            fail(line, problem->key, problem->message);
        }
    }

};

}  // namespace

Config parse_config(std::string_view toml_text, const std::string& source_name) {
    toml::table root;
    try {
        root = toml::parse(toml_text, std::string_view{source_name});
    } catch (const toml::parse_error& error) {
        const toml::source_position& where = error.source().begin;
        throw ConfigError{source_name, where.line, "",
                          "TOML syntax error at column " + std::to_string(where.column) + ": " +
                              std::string{error.description()}};
    }
    Config config = ConfigReader{source_name}.read(root);
    validate(config);
    return config;
}

Config load_config_file(const std::string& path) {
    std::error_code status_error;
    if (std::filesystem::is_directory(path, status_error)) {
        throw ConfigError{path, 0, "", "cannot read: is a directory"};
    }
    std::ifstream file{path, std::ios::binary};
    if (!file) {
        const int error = errno;
        throw ConfigError{path, 0, "",
                          "cannot open: " + (error != 0 ? std::generic_category().message(error)
                                                        : std::string{"unknown error"})};
    }
    std::ostringstream text;
    text << file.rdbuf();
    if (file.bad()) {
        throw ConfigError{path, 0, "", "cannot read: input/output error"};
    }
    return parse_config(text.str(), path);
}

}  // namespace wg::config
