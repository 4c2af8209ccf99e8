#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/config_error.h"
#include "config/config_loader.h"
#include "config/validate.h"
#include "gateway/command_line.h"
#include "temp_file.h"

namespace {

using wg::config::Config;
using wg::config::ConfigError;

constexpr const char* kHash =
    "pbkdf2-sha256$100000$AAECAwQFBgcICQoLDA0ODw==$OrY/k4koQ5foa/zI1Z0LusNepbJDZIhz/FFySMqR9aw=";

std::string error_of(const std::string& text) {
    try {
        wg::config::parse_config(text, "web.toml");
    } catch (const ConfigError& error) {
        return error.what();
    }
    FAIL("parse_config accepted:\n" << text);
    return "";
}

std::string user(std::string_view name, std::string_view hash = kHash) {
    return "[[web.user]]\nname = \"" + std::string{name} + "\"\npassword_hash = \"" + std::string{hash} + "\"\n";
}

}  // namespace

TEST_CASE("every_web_key_is_read", "[unit][config]") {
    const wg::test::TempFile cert{"certificate"};
    const wg::test::TempFile key{"key"};
    const Config config = wg::config::parse_config("[web]\nenabled = true\nbind = \"::\"\nport = 9443\n"
                                                   "tls_cert = \"" + cert.path() + "\"\ntls_key = \"" + key.path() +
                                                       "\"\nmax_streams = 4\npublic_metrics = true\n" + user("admin") +
                                                       user("viewer"),
                                                   "web.toml");
    CHECK(config.web.enabled);
    CHECK(config.web.bind == "::");
    CHECK(config.web.port == 9443);
    CHECK(config.web.tls_cert == cert.path());
    CHECK(config.web.tls_key == key.path());
    CHECK(config.web.max_streams == 4);
    CHECK(config.web.public_metrics);
    REQUIRE(config.web.users.size() == 2);
    CHECK(config.web.users[0].name == "admin");
    CHECK(config.web.users[0].password_hash == kHash);
    CHECK(config.web.users[1].name == "viewer");
}

TEST_CASE("web_on_loopback_without_users_is_fine_elsewhere_it_needs_users", "[unit][config]") {
    for (const char* bind : {"127.0.0.1", "127.8.9.10", "::1", "localhost"}) {
        CHECK_NOTHROW(wg::config::parse_config(std::string{"[web]\nbind = \""} + bind + "\"\n", "web.toml"));
    }
    CHECK(error_of("[web]\nport = 8080\nbind = \"0.0.0.0\"\n") ==
          "web.toml:3: web.bind: \"0.0.0.0\" is not a loopback address, so the dashboard needs at least one "
          "[[web.user]] (make a password hash with `willgate passwd`), or bind it to \"127.0.0.1\"");
    CHECK(error_of("[web]\nbind = \"::\"\n").starts_with("web.toml:2: web.bind: \"::\" is not a loopback address"));
    CHECK_NOTHROW(wg::config::parse_config("[web]\nbind = \"0.0.0.0\"\n" + user("admin"), "web.toml"));
    // Disabled, it does not matter.
    CHECK_NOTHROW(wg::config::parse_config("[web]\nenabled = false\nbind = \"0.0.0.0\"\n", "web.toml"));
}

TEST_CASE("web_key_errors_name_file_line_and_key", "[unit][config]") {
    CHECK(error_of("[web]\nbind = \"example.org\"\n").starts_with("web.toml:2: web.bind: \"example.org\" is not an"));
    CHECK(error_of("[web]\nport = 70000\n") == "web.toml:2: web.port: must be between 0 and 65535, got 70000");
    CHECK(error_of("[web]\nmax_streams = 0\n") == "web.toml:2: web.max_streams: must be between 1 and 256, got 0");
    CHECK(error_of("[web]\nenabled = \"yes\"\n") ==
          "web.toml:2: web.enabled: expected a boolean (true or false), got a string");
    CHECK(error_of("[web]\nprot = 1\n") == "web.toml:2: web.prot: unknown key (did you mean \"port\"?)");
    CHECK(error_of("[web]\n" + user("a") + "pasword_hash = \"x\"\n")
              .starts_with("web.toml:5: web.user[0].pasword_hash: unknown key"));
    CHECK(error_of("[web]\n[[web.user]]\nname = \"a\"\n") ==
          "web.toml:2: web.user[0].password_hash: missing (every user needs a name and a password_hash)");
    CHECK(error_of("[web]\n" + user("a", "secret")) ==
          "web.toml:4: web.user[0].password_hash: is not a hash made by `willgate passwd` (expected "
          "pbkdf2-sha256$ITERATIONS$SALT$HASH)");
    CHECK(error_of("[web]\n" + user("a", "pbkdf2-sha256$1000$AAAA$AAAA"))
              .starts_with("web.toml:4: web.user[0].password_hash: has 1000 iterations"));
    CHECK(error_of("[web]\n" + user("a:b")) == "web.toml:3: web.user[0].name: must not contain control characters or ':'");
    CHECK(error_of("[web]\n" + user("")) == "web.toml:3: web.user[0].name: must be 1 to 64 characters long");
    CHECK(error_of("[web]\n" + user("twin") + user("other") + user("twin")) ==
          "web.toml:9: web.user[2].name: user \"twin\" is already web.user[0]");
}

TEST_CASE("web_tls_needs_both_readable_files", "[unit][config]") {
    const wg::test::TempFile cert{"certificate"};
    CHECK(error_of("[web]\ntls_cert = \"" + cert.path() + "\"\n") ==
          "web.toml:2: web.tls_cert: web.tls_cert and web.tls_key go together: set both for HTTPS, or neither");
    CHECK(error_of("[web]\nport = 1\ntls_key = \"" + cert.path() + "\"\n")
              .starts_with("web.toml:3: web.tls_key: web.tls_cert and web.tls_key go together"));
    CHECK(error_of("[web]\ntls_cert = \"/nonexistent/cert.pem\"\ntls_key = \"" + cert.path() + "\"\n") ==
          "web.toml:2: web.tls_cert: cannot read \"/nonexistent/cert.pem\": No such file or directory");
    CHECK(error_of("[web]\ntls_cert = \"" + cert.path() + "\"\ntls_key = \"/tmp\"\n")
              .starts_with("web.toml:3: web.tls_key: cannot read \"/tmp\""));
}

TEST_CASE("web_port_may_not_be_an_mqtt_listener_port", "[unit][config]") {
    CHECK(error_of("[[listener]]\nbind = \"::\"\nport = 8080\n[web]\nport = 8080\n") ==
          "web.toml:5: web.port: port 8080 is already an MQTT listener ([::]:8080)");
    CHECK_NOTHROW(wg::config::parse_config("[[listener]]\nbind = \"::1\"\nport = 8080\n[web]\nport = 8080\n",
                                           "web.toml"));
}

TEST_CASE("validate_checks_the_web_settings_of_a_built_config", "[unit][config]") {
    Config config = wg::config::default_config();
    config.web.bind = "192.0.2.1";
    try {
        wg::config::validate(config);
        FAIL("accepted");
    } catch (const ConfigError& error) {
        CHECK(error.key() == "web.bind");
    }
    config.web.users = {{"admin", "not a hash"}};
    try {
        wg::config::validate(config);
        FAIL("accepted");
    } catch (const ConfigError& error) {
        CHECK(error.key() == "web.user[0].password_hash");
    }
    config.web.users = {{"admin", kHash}};
    CHECK_NOTHROW(wg::config::validate(config));
}

TEST_CASE("http_port_option_sets_the_dashboard_port", "[unit][cli]") {
    for (const auto& args : {std::vector<std::string_view>{"--http-port", "9000"},
                             std::vector<std::string_view>{"--http-port=9000"}}) {
        const auto command_line = wg::gateway::parse_command_line(args);
        REQUIRE(command_line.http_port == 9000);
        const Config config = wg::gateway::resolve_config(command_line);
        CHECK(config.web.port == 9000);
        CHECK(config.listeners[0].port == 1883);  // the MQTT listeners are not touched
    }
    const std::vector<std::string_view> zero{"--http-port", "0"};
    CHECK(wg::gateway::resolve_config(wg::gateway::parse_command_line(zero)).web.port == 0);
    for (const auto& bad : {std::vector<std::string_view>{"--http-port", "65536"},
                            std::vector<std::string_view>{"--http-port", "web"},
                            std::vector<std::string_view>{"--http-port"}}) {
        CHECK_THROWS_AS(wg::gateway::parse_command_line(bad), wg::gateway::UsageError);
    }
    CHECK(wg::gateway::usage().find("--http-port PORT") != std::string::npos);
    CHECK(wg::gateway::usage().find("willgate passwd") != std::string::npos);
}

TEST_CASE("passwd_is_a_subcommand_without_arguments", "[unit][cli]") {
    const std::vector<std::string_view> passwd{"passwd"};
    CHECK(wg::gateway::parse_command_line(passwd).action == wg::gateway::CommandLine::Action::Passwd);
    const std::vector<std::string_view> extra{"passwd", "--port", "1"};
    CHECK_THROWS_AS(wg::gateway::parse_command_line(extra), wg::gateway::UsageError);
    const std::vector<std::string_view> later{"--port", "1", "passwd"};
    CHECK_THROWS_AS(wg::gateway::parse_command_line(later), wg::gateway::UsageError);  // a stray argument
}
