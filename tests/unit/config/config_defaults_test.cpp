#include <catch2/catch.hpp>

#include <string>

#include "config/config.h"
#include "config/config_loader.h"
#include "config/validate.h"

namespace {

using wg::config::Config;

constexpr const char* kExampleConfig = WILLGATE_EXAMPLE_CONFIG;

// Every setting of `actual` equals that of `expected`; Config::source is not compared.
void check_same_settings(const Config& actual, const Config& expected) {
    REQUIRE(actual.listeners.size() == expected.listeners.size());
    for (std::size_t i = 0; i < actual.listeners.size(); ++i) {
        CHECK(actual.listeners[i].bind == expected.listeners[i].bind);
        CHECK(actual.listeners[i].port == expected.listeners[i].port);
    }
    CHECK(actual.limits.max_packet_size == expected.limits.max_packet_size);
    CHECK(actual.limits.max_connections == expected.limits.max_connections);
    CHECK(actual.limits.max_inflight_messages == expected.limits.max_inflight_messages);
    CHECK(actual.limits.max_queued_messages == expected.limits.max_queued_messages);
    CHECK(actual.limits.max_output_buffer == expected.limits.max_output_buffer);
    CHECK(actual.limits.connect_timeout == expected.limits.connect_timeout);
    CHECK(actual.limits.max_topic_alias == expected.limits.max_topic_alias);
    CHECK(actual.limits.max_keep_alive == expected.limits.max_keep_alive);
    CHECK(actual.log.level == expected.log.level);
    CHECK(actual.storage.data_dir == expected.storage.data_dir);
    CHECK(actual.storage.database == expected.storage.database);
    CHECK(actual.liveness.history_max_days == expected.liveness.history_max_days);
    CHECK(actual.liveness.history_max_rows == expected.liveness.history_max_rows);
    CHECK(actual.monitoring.sys_interval == expected.monitoring.sys_interval);
    CHECK(actual.storage.durability == expected.storage.durability);
    CHECK(actual.web.enabled == expected.web.enabled);
    CHECK(actual.web.bind == expected.web.bind);
    CHECK(actual.web.port == expected.web.port);
    CHECK(actual.web.users.size() == expected.web.users.size());
    CHECK(actual.web.tls_cert == expected.web.tls_cert);
    CHECK(actual.web.tls_key == expected.web.tls_key);
    CHECK(actual.web.max_streams == expected.web.max_streams);
    CHECK(actual.web.public_metrics == expected.web.public_metrics);
}

}  // namespace

TEST_CASE("default_config_has_the_documented_defaults", "[unit][config]") {
    const Config config = wg::config::default_config();
    REQUIRE(config.listeners.size() == 1);
    CHECK(config.listeners[0].bind == "::");
    CHECK(config.listeners[0].port == 1883);
    CHECK(config.limits.max_packet_size == 1048576);
    CHECK(config.limits.max_connections == 50000);
    CHECK(config.limits.max_inflight_messages == 20);
    CHECK(config.limits.max_queued_messages == 1000);
    CHECK(config.limits.max_output_buffer == 1048576);
    CHECK(config.limits.connect_timeout == 10);
    CHECK(config.limits.max_topic_alias == 10);
    CHECK(config.limits.max_keep_alive == 0);
    CHECK(config.log.level == "info");
    CHECK(config.storage.data_dir == "/var/lib/willgate");
    CHECK(config.storage.database == "willgate.db");
    CHECK(config.liveness.history_max_days == 30);
    CHECK(config.liveness.history_max_rows == 100000);
    CHECK(config.monitoring.sys_interval == 10);
    CHECK(config.storage.durability == "process-crash");
    CHECK(config.web.enabled);
    CHECK(config.web.bind == "127.0.0.1");
    CHECK(config.web.port == 8080);
    CHECK(config.web.users.empty());
    CHECK(config.web.tls_cert.empty());
    CHECK(config.web.tls_key.empty());
    CHECK(config.web.max_streams == 16);
    CHECK_FALSE(config.web.public_metrics);
    CHECK(config.source.empty());
    CHECK_NOTHROW(wg::config::validate(config));
}

TEST_CASE("shipped_example_config_equals_the_defaults", "[unit][config]") {
    // The only difference: source names the file.
    const Config config = wg::config::load_config_file(kExampleConfig);
    CHECK(config.source == kExampleConfig);
    check_same_settings(config, wg::config::default_config());
}

TEST_CASE("empty_file_gives_the_defaults", "[unit][config]") {
    const Config config = wg::config::parse_config("", "empty.toml");
    CHECK(config.source == "empty.toml");
    check_same_settings(config, wg::config::default_config());
}

TEST_CASE("every_key_is_read", "[unit][config]") {
    const Config config = wg::config::parse_config(R"(
[log]
level = "debug"

[storage]
data_dir = "/srv/willgate"
database = "/mnt/ssd/willgate.db"
durability = "power-loss"

[monitoring]
sys_interval = 0

[liveness]
history_max_days = 7
history_max_rows = 500

[limits]
max_packet_size = 268_435_460
max_connections = 0
max_inflight_messages = 65535
max_queued_messages = 1
max_output_buffer = 4096
connect_timeout = 3600
max_topic_alias = 0
max_keep_alive = 65535

[[listener]]
bind = "127.0.0.1"
port = 1884

[[listener]]
bind = "::1"
port = 0
)",
                                                   "all.toml");
    REQUIRE(config.listeners.size() == 2);
    CHECK(config.listeners[0].bind == "127.0.0.1");
    CHECK(config.listeners[0].port == 1884);
    CHECK(config.listeners[1].bind == "::1");
    CHECK(config.listeners[1].port == 0);
    CHECK(config.limits.max_packet_size == 268435460);
    CHECK(config.limits.max_connections == 0);
    CHECK(config.limits.max_inflight_messages == 65535);
    CHECK(config.limits.max_queued_messages == 1);
    CHECK(config.limits.max_output_buffer == 4096);
    CHECK(config.limits.connect_timeout == 3600);
    CHECK(config.limits.max_topic_alias == 0);
    CHECK(config.limits.max_keep_alive == 65535);
    CHECK(config.log.level == "debug");
    CHECK(config.storage.data_dir == "/srv/willgate");
    CHECK(config.storage.database == "/mnt/ssd/willgate.db");
    CHECK(config.liveness.history_max_days == 7);
    CHECK(config.liveness.history_max_rows == 500);
    CHECK(config.monitoring.sys_interval == 0);
    CHECK(config.storage.durability == "power-loss");
    CHECK(config.source == "all.toml");
}

TEST_CASE("listener_keys_default_one_by_one", "[unit][config]") {
    const Config config = wg::config::parse_config(
        "[[listener]]\nbind = \"0.0.0.0\"\n[[listener]]\nport = 1884\n", "l.toml");
    REQUIRE(config.listeners.size() == 2);
    CHECK(config.listeners[0].bind == "0.0.0.0");
    CHECK(config.listeners[0].port == 1883);
    CHECK(config.listeners[1].bind == "::");
    CHECK(config.listeners[1].port == 1884);
}

TEST_CASE("listeners_may_be_an_inline_array_of_tables", "[unit][config]") {
    const Config config = wg::config::parse_config(
        "listener = [{ bind = \"127.0.0.1\", port = 1884 }, { bind = \"::1\", port = 1884 }]\n",
        "inline.toml");
    REQUIRE(config.listeners.size() == 2);
    CHECK(config.listeners[1].bind == "::1");
}

TEST_CASE("listeners_that_do_not_collide_are_accepted", "[unit][config]") {
    // Port 0 picks a fresh port each time; 0.0.0.0 does not cover IPv6 addresses.
    CHECK_NOTHROW(wg::config::parse_config(R"(
[[listener]]
port = 0
[[listener]]
port = 0
[[listener]]
bind = "0.0.0.0"
port = 1884
[[listener]]
bind = "::1"
port = 1884
[[listener]]
bind = "127.0.0.1"
port = 1885
[[listener]]
bind = "127.0.0.2"
port = 1885
)",
                                           "ok.toml"));
}
