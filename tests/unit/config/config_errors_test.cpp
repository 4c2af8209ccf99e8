#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/config_error.h"
#include "config/config_loader.h"
#include "config/validate.h"
#include "temp_file.h"

namespace {

using wg::config::Config;
using wg::config::ConfigError;

constexpr const char* kFile = "test.toml";

// The ConfigError that parsing `text` as "test.toml" throws.
ConfigError parse_error(std::string_view text) {
    try {
        wg::config::parse_config(text, kFile);
    } catch (const ConfigError& error) {
        return error;
    }
    FAIL("parse_config accepted:\n" << text);
    return ConfigError{"", 0, "", ""};
}

ConfigError validate_error(const Config& config) {
    try {
        wg::config::validate(config);
    } catch (const ConfigError& error) {
        return error;
    }
    FAIL("validate accepted the configuration");
    return ConfigError{"", 0, "", ""};
}

ConfigError load_error(const std::string& path) {
    try {
        wg::config::load_config_file(path);
    } catch (const ConfigError& error) {
        return error;
    }
    FAIL("load_config_file accepted " << path);
    return ConfigError{"", 0, "", ""};
}

}  // namespace

TEST_CASE("config_error_message_names_file_line_and_key", "[unit][config]") {
    const ConfigError full{"a.toml", 3, "limits.connect_timeout", "must be between 1 and 3600"};
    CHECK(std::string{full.what()} == "a.toml:3: limits.connect_timeout: must be between 1 and 3600");
    CHECK(full.file() == "a.toml");
    CHECK(full.line() == 3);
    CHECK(full.key() == "limits.connect_timeout");
    CHECK(full.detail() == "must be between 1 and 3600");

    CHECK(std::string{ConfigError("a.toml", 0, "listener", "m").what()} == "a.toml: listener: m");
    CHECK(std::string{ConfigError("a.toml", 7, "", "m").what()} == "a.toml:7: m");
    CHECK(std::string{ConfigError("a.toml", 0, "", "m").what()} == "a.toml: m");
}

TEST_CASE("unknown_key_is_named_with_its_dotted_path_and_line", "[unit][config]") {
    const ConfigError error = parse_error("[limits]\nmax_pakcet_size = 5\n");
    CHECK(error.file() == kFile);
    CHECK(error.line() == 2);
    CHECK(error.key() == "limits.max_pakcet_size");
    CHECK(std::string{error.what()} ==
          "test.toml:2: limits.max_pakcet_size: unknown key (did you mean \"max_packet_size\"?)");
}

TEST_CASE("unknown_top_level_key_is_an_error", "[unit][config]") {
    const ConfigError error = parse_error("# comment\nport = 1883\n");
    CHECK(std::string{error.what()} ==
          "test.toml:2: port: unknown key (expected one of: listener, limits, log, storage, liveness, monitoring, web, bridge)");
}

TEST_CASE("unknown_listener_key_is_an_error", "[unit][config]") {
    const ConfigError error = parse_error("[[listener]]\nbind = \"::\"\nprot = 1884\n");
    CHECK(std::string{error.what()} ==
          "test.toml:3: listener[0].prot: unknown key (did you mean \"port\"?)");
}

TEST_CASE("unknown_table_is_an_error", "[unit][config]") {
    const ConfigError error = parse_error("[log]\nlevel = \"info\"\n\n[mqtt5]\nenabled = true\n");
    CHECK(error.line() == 4);
    CHECK(error.key() == "mqtt5");
    CHECK(std::string{error.what()} ==
          "test.toml:4: mqtt5: unknown table (expected one of: listener, limits, log, storage, liveness, monitoring, web, bridge)");
}

TEST_CASE("unknown_nested_table_is_an_error", "[unit][config]") {
    CHECK(std::string{parse_error("[limits]\n[limits.extra]\nx = 1\n").what()} ==
          "test.toml:2: limits.extra: unknown table (expected one of: max_packet_size, "
          "max_connections, max_inflight_messages, max_queued_messages, max_output_buffer, "
          "connect_timeout, max_topic_alias, max_keep_alive)");
    CHECK(std::string{parse_error("[[listener]]\n[listener.tls]\n").what()} ==
          "test.toml:2: listener[0].tls: unknown table (expected one of: bind, port)");
}

TEST_CASE("misspelt_table_gets_a_suggestion", "[unit][config]") {
    CHECK(std::string{parse_error("[[listeners]]\nport = 1884\n").what()} ==
          "test.toml:1: listeners: unknown table (did you mean \"listener\"?)");
}

TEST_CASE("wrong_types_are_errors", "[unit][config]") {
    CHECK(std::string{parse_error("[limits]\nmax_packet_size = \"big\"\n").what()} ==
          "test.toml:2: limits.max_packet_size: expected an integer, got a string");
    CHECK(std::string{parse_error("[limits]\n\nconnect_timeout = 1.5\n").what()} ==
          "test.toml:3: limits.connect_timeout: expected an integer, got a floating-point number");
    CHECK(std::string{parse_error("[log]\nlevel = 3\n").what()} ==
          "test.toml:2: log.level: expected a string, got an integer");
    CHECK(std::string{parse_error("[storage]\ndata_dir = true\n").what()} ==
          "test.toml:2: storage.data_dir: expected a string, got a boolean");
    CHECK(std::string{parse_error("[[listener]]\nport = \"1883\"\n").what()} ==
          "test.toml:2: listener[0].port: expected an integer, got a string");
    CHECK(std::string{parse_error("[[listener]]\nbind = [\"::\"]\n").what()} ==
          "test.toml:2: listener[0].bind: expected a string, got an array");
    CHECK(std::string{parse_error("limits = 5\n").what()} ==
          "test.toml:1: limits: expected a table ([limits]), got an integer");
}

TEST_CASE("listener_must_be_an_array_of_tables", "[unit][config]") {
    CHECK(std::string{parse_error("[listener]\nport = 1884\n").what()} ==
          "test.toml:1: listener: expected an array of tables ([[listener]]), got a table");
    CHECK(std::string{parse_error("\nlistener = 5\n").what()} ==
          "test.toml:2: listener: expected an array of tables ([[listener]]), got an integer");
    CHECK(std::string{parse_error("listener = [{ port = 1884 }, 5]\n").what()} ==
          "test.toml:1: listener[1]: expected a table ([[listener]]), got an integer");
    const ConfigError empty = parse_error("listener = []\n");
    CHECK(empty.line() == 1);
    CHECK(empty.key() == "listener");
    CHECK_THAT(empty.what(), Catch::Contains("at least one listener is required"));
}

TEST_CASE("port_out_of_range_is_an_error", "[unit][config]") {
    const ConfigError error = parse_error("[[listener]]\nbind = \"::\"\nport = 70000\n");
    CHECK(error.line() == 3);
    CHECK(error.key() == "listener[0].port");
    CHECK(std::string{error.what()} ==
          "test.toml:3: listener[0].port: must be between 0 and 65535, got 70000");
    CHECK(std::string{parse_error("[[listener]]\nport = -1\n").what()} ==
          "test.toml:2: listener[0].port: must be between 0 and 65535, got -1");
}

TEST_CASE("monitoring_and_liveness_out_of_range_are_errors", "[unit][config]") {
    CHECK(std::string{parse_error("[monitoring]\nsys_interval = -1\n").what()} ==
          "test.toml:2: monitoring.sys_interval: must be between 0 and 86400, got -1");
    CHECK(std::string{parse_error("[monitoring]\nsys_interval = 86401\n").what()} ==
          "test.toml:2: monitoring.sys_interval: must be between 0 and 86400, got 86401");
    CHECK(std::string{parse_error("[monitoring]\nsys = 1\n").what()} ==
          "test.toml:2: monitoring.sys: unknown key (expected one of: sys_interval)");
    CHECK(std::string{parse_error("[liveness]\nhistory_max_days = 0\n").what()} ==
          "test.toml:2: liveness.history_max_days: must be between 1 and 3650, got 0");
    CHECK(std::string{parse_error("[liveness]\nhistory_max_rows = 0\n").what()} ==
          "test.toml:2: liveness.history_max_rows: must be between 1 and 100000000, got 0");
}

TEST_CASE("limits_out_of_range_are_errors", "[unit][config]") {
    struct Case {
        std::string_view assignment;
        std::string_view expected;
    };
    const std::vector<Case> cases{
        {"max_packet_size = 0", "limits.max_packet_size: must be between 1 and 268435460, got 0"},
        {"max_packet_size = 268435461",
         "limits.max_packet_size: must be between 1 and 268435460, got 268435461"},
        {"max_connections = -1", "limits.max_connections: must be between 0 and 4294967295, got -1"},
        {"max_connections = 4294967296",
         "limits.max_connections: must be between 0 and 4294967295, got 4294967296"},
        {"max_inflight_messages = 0",
         "limits.max_inflight_messages: must be between 1 and 65535, got 0"},
        {"max_inflight_messages = 65536",
         "limits.max_inflight_messages: must be between 1 and 65535, got 65536"},
        {"max_queued_messages = 0",
         "limits.max_queued_messages: must be between 1 and 4294967295, got 0"},
        {"max_output_buffer = 4095",
         "limits.max_output_buffer: must be between 4096 and 4294967295, got 4095"},
        {"connect_timeout = 0", "limits.connect_timeout: must be between 1 and 3600, got 0"},
        {"connect_timeout = 3601", "limits.connect_timeout: must be between 1 and 3600, got 3601"},
    };
    for (const Case& c : cases) {
        INFO(c.assignment);
        const ConfigError error = parse_error("[limits]\n" + std::string{c.assignment} + "\n");
        CHECK(std::string{error.what()} == "test.toml:2: " + std::string{c.expected});
    }
}

TEST_CASE("bind_must_be_an_ip_address", "[unit][config]") {
    for (const std::string_view bad : {"localhost", "", "[::1]", "1.2.3", "256.0.0.1", "::1%lo"}) {
        INFO(bad);
        const ConfigError error =
            parse_error("[[listener]]\nbind = \"" + std::string{bad} + "\"\n");
        CHECK(error.line() == 2);
        CHECK(error.key() == "listener[0].bind");
        CHECK_THAT(error.what(),
                   Catch::StartsWith("test.toml:2: listener[0].bind: \"" + std::string{bad} +
                                     "\" is not an IPv4 or IPv6 address"));
    }
}

TEST_CASE("unknown_log_level_is_an_error", "[unit][config]") {
    CHECK(std::string{parse_error("[log]\nlevel = \"verbose\"\n").what()} ==
          "test.toml:2: log.level: unknown log level \"verbose\" (expected error, warning, info "
          "or debug)");
}

TEST_CASE("empty_data_dir_is_an_error", "[unit][config]") {
    CHECK(std::string{parse_error("[storage]\ndata_dir = \"\"\n").what()} ==
          "test.toml:2: storage.data_dir: must not be empty");
}

TEST_CASE("toml_syntax_error_names_file_and_line", "[unit][config]") {
    const ConfigError error = parse_error("[limits]\nmax_packet_size = = 3\n");
    CHECK(error.file() == kFile);
    CHECK(error.line() == 2);
    CHECK(error.key().empty());
    CHECK_THAT(error.what(), Catch::StartsWith("test.toml:2: TOML syntax error at column "));
}

TEST_CASE("duplicate_key_is_a_syntax_error", "[unit][config]") {
    const ConfigError error = parse_error("[limits]\nconnect_timeout = 5\nconnect_timeout = 6\n");
    CHECK(error.line() == 3);
    CHECK_THAT(error.what(), Catch::StartsWith("test.toml:3: TOML syntax error"));
}

TEST_CASE("duplicate_listeners_are_an_error", "[unit][config]") {
    const ConfigError error = parse_error("[[listener]]\nport = 1884\n\n[[listener]]\nport = 1884\n");
    CHECK(error.line() == 4);
    CHECK(error.key() == "listener[1]");
    CHECK(std::string{error.what()} ==
          "test.toml:4: listener[1]: [::]:1884 is already a listener (listener[0], line 1)");
}

TEST_CASE("duplicate_listeners_compare_addresses_not_spelling", "[unit][config]") {
    CHECK(std::string{parse_error("[[listener]]\nbind = \"::0\"\n[[listener]]\nbind = \"0::\"\n")
                          .what()} ==
          "test.toml:3: listener[1]: [0::]:1883 is already a listener (listener[0], line 1)");
}

TEST_CASE("listener_overlapping_a_wildcard_is_an_error", "[unit][config]") {
    CHECK(std::string{parse_error("[[listener]]\n[[listener]]\nbind = \"127.0.0.1\"\n").what()} ==
          "test.toml:2: listener[1]: 127.0.0.1:1883 overlaps listener [::]:1883 (listener[0], "
          "line 1)");
    CHECK(std::string{
              parse_error("[[listener]]\nbind = \"::1\"\n[[listener]]\nbind = \"::\"\n").what()} ==
          "test.toml:3: listener[1]: [::]:1883 overlaps listener [::1]:1883 (listener[0], line 1)");
    CHECK(std::string{parse_error("[[listener]]\nbind = \"0.0.0.0\"\n[[listener]]\nbind = "
                                  "\"10.0.0.1\"\n")
                          .what()} ==
          "test.toml:3: listener[1]: 10.0.0.1:1883 overlaps listener 0.0.0.0:1883 (listener[0], "
          "line 1)");
}

TEST_CASE("missing_file_is_an_error", "[unit][config]") {
    const std::string path = "/nonexistent-willgate-dir/willgate.toml";
    const ConfigError error = load_error(path);
    CHECK(error.file() == path);
    CHECK(error.line() == 0);
    CHECK(std::string{error.what()} == path + ": cannot open: No such file or directory");
}

TEST_CASE("directory_is_not_a_config_file", "[unit][config]") {
    const std::string path = std::filesystem::temp_directory_path().string();
    CHECK(std::string{load_error(path).what()} == path + ": cannot read: is a directory");
}

TEST_CASE("unreadable_file_is_an_error", "[unit][config]") {
    if (::geteuid() == 0) {
        WARN("running as root, which can read any file: skipped");
        return;
    }
    const wg::test::TempFile file{"[log]\n"};
    std::filesystem::permissions(file.path(), std::filesystem::perms::none);
    CHECK(std::string{load_error(file.path()).what()} ==
          file.path() + ": cannot open: Permission denied");
}

TEST_CASE("errors_in_a_loaded_file_name_that_file", "[unit][config]") {
    const wg::test::TempFile file{"[log]\nlevel = \"loud\"\n"};
    const ConfigError error = load_error(file.path());
    CHECK(error.file() == file.path());
    CHECK(error.line() == 2);
    CHECK(error.key() == "log.level");
    CHECK_THAT(error.what(), Catch::StartsWith(file.path() + ":2: log.level: unknown log level"));
}

TEST_CASE("validate_checks_a_config_built_in_code", "[unit][config]") {
    Config config = wg::config::default_config();
    config.listeners.push_back(config.listeners.front());
    CHECK(std::string{validate_error(config).what()} ==
          "built-in defaults: listener[1]: [::]:1883 is already a listener (listener[0])");

    config.source = "x.toml";
    config.listeners.clear();
    CHECK(std::string{validate_error(config).what()} ==
          "x.toml: listener: at least one listener is required");

    config = wg::config::default_config();
    config.limits.max_inflight_messages = 0;
    CHECK(std::string{validate_error(config).what()} ==
          "built-in defaults: limits.max_inflight_messages: must be between 1 and 65535, got 0");

    config = wg::config::default_config();
    config.listeners[0].bind = "example.com";
    CHECK(validate_error(config).key() == "listener[0].bind");

    config = wg::config::default_config();
    config.log.level = "trace";
    CHECK(validate_error(config).key() == "log.level");

    config = wg::config::default_config();
    config.storage.data_dir.clear();
    CHECK(validate_error(config).key() == "storage.data_dir");
}

TEST_CASE("a_database_path_naming_a_directory_names_file_line_and_key", "[unit][config]") {
    CHECK(std::string{parse_error("[storage]\ndatabase = \"db/\"\n").what()} ==
          "test.toml:2: storage.database: must name a file");
}

TEST_CASE("unknown_durability_names_file_line_and_key", "[unit][config]") {
    CHECK(std::string{parse_error("[storage]\ndurability = \"sometimes\"\n").what()} ==
          "test.toml:2: storage.durability: unknown durability \"sometimes\" (expected process-crash, "
          "power-loss or none)");
}
