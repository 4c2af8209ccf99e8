#include <catch2/catch.hpp>

#include <string>
#include <string_view>

#include "config/config.h"
#include "config/config_error.h"
#include "config/config_loader.h"

namespace {

using wg::config::ConfigError;

std::string parse_error(std::string_view text) {
    try {
        wg::config::parse_config(text, "test.toml");
    } catch (const ConfigError& error) {
        return error.what();
    }
    FAIL("parse_config accepted:\n" << text);
    return "";
}

}  // namespace

TEST_CASE("a_bridge_with_forward_rules_is_read_with_its_defaults", "[unit][config]") {
    const auto config = wg::config::parse_config(R"(
[[bridge]]
name = "cloud"
address = ["tcp://a.example:1883", "tcp://b.example:1883"]
will_topic = "gw/status"
will_payload = "offline"

[[bridge.forward]]
local = "sensors/+/temp"
remote = "site1/{1}/t"

[[bridge.forward]]
local = "#"
qos = 0
retain = false
)", "test.toml");
    REQUIRE(config.bridges.size() == 1);
    const auto& bridge = config.bridges[0];
    CHECK(bridge.addresses.size() == 2);
    CHECK(bridge.client_id == "willgate-cloud");
    CHECK(bridge.mqtt_version == "3.1.1");
    CHECK(bridge.verify);
    CHECK(bridge.max_inflight == 100);
    CHECK(bridge.reconnect_initial_ms == 500);
    CHECK(bridge.reconnect_max_ms == 10000);
    REQUIRE(bridge.forward.size() == 2);
    CHECK(bridge.forward[0].remote == "site1/{1}/t");
    CHECK(bridge.forward[1].remote == "{topic}");
    CHECK(bridge.forward[1].qos == 0);
    CHECK_FALSE(bridge.forward[1].retain);
}

TEST_CASE("bridge_configuration_errors_name_the_line_and_key", "[unit][config]") {
    CHECK(parse_error("[[bridge]]\nname = \"c\"\n\n[[bridge.forward]]\nlocal = \"#\"\n") ==
          "test.toml:1: bridge[0].address: missing");
    CHECK(parse_error("[[bridge]]\nname = \"c\"\naddress = \"http://x:1\"\n") ==
          "test.toml:3: bridge[0].address: unknown scheme \"http\" (expected tcp, mqtt, ssl or mqtts)");
    CHECK(parse_error("[[bridge]]\nname = \"c\"\naddress = \"tcp://x\"\n") ==
          "test.toml:3: bridge[0].address: expected :port after the host");
    CHECK(parse_error("[[bridge]]\nname = \"c\"\naddress = \"tcp://x:1\"\n") ==
          "test.toml:1: bridge[0].forward: at least one [[bridge.forward]] rule is required");
    CHECK(parse_error("[[bridge]]\nname = \"c\"\naddress = \"tcp://x:1\"\n[[bridge.forward]]\nlocal = \"a/+\"\n"
                      "remote = \"b/{2}\"\n") ==
          "test.toml:6: bridge[0].forward[0].remote: {2} refers to wildcard 2, but the local filter \"a/+\" has 1");
    CHECK(parse_error("[[bridge]]\nname = \"c\"\naddress = \"tcp://x:1\"\n[[bridge.forward]]\nlocal = \"a/#/b\"\n") ==
          "test.toml:5: bridge[0].forward[0].local: # must be the last level");
    CHECK(parse_error("[[bridge]]\nname = \"c\"\naddress = \"tcp://x:1\"\nmax_inflight = 0\n") ==
          "test.toml:4: bridge[0].max_inflight: must be between 1 and 65535, got 0");
    CHECK(parse_error("[[bridge]]\nname = \"c\"\naddress = \"tcp://x:1\"\nmax_inflght = 3\n") ==
          "test.toml:4: bridge[0].max_inflght: unknown key (did you mean \"max_inflight\"?)");
    CHECK(parse_error("[[bridge]]\nname = \"c\"\naddress = \"tcp://x:1\"\nserver_name = \"x\"\n").starts_with(
        "test.toml:4: bridge[0].server_name: not supported"));
    CHECK(parse_error("[[bridge]]\nname = \"c\"\naddress = \"tcp://x:1\"\nreconnect_max_ms = 200\n"
                      "[[bridge.forward]]\nlocal = \"#\"\n") ==
          "test.toml:4: bridge[0].reconnect_max_ms: must not be below reconnect_initial_ms (500)");
    CHECK(parse_error("[[bridge]]\nname = \"c\"\naddress = \"tcp://x:1\"\nalpn = [\"mqtt\"]\n"
                      "[[bridge.forward]]\nlocal = \"#\"\n") ==
          "test.toml:4: bridge[0].alpn: ALPN needs a TLS address (ssl://host:port)");
}

TEST_CASE("bridges_need_unique_names_and_the_database", "[unit][config]") {
    const std::string bridge = "[[bridge]]\nname = \"c\"\naddress = \"tcp://x:1\"\n[[bridge.forward]]\nlocal = \"#\"\n";
    CHECK(parse_error(bridge + bridge) ==
          "test.toml:7: bridge[1].name: another bridge is already called \"c\"");
    CHECK(parse_error("[storage]\ndurability = \"none\"\n" + bridge) ==
          "test.toml:3: bridge[0]: a bridge keeps its outbox in the database, which storage.durability \"none\" "
          "turns off");
}
