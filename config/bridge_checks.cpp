#include "config/bridge_checks.h"

#include <cctype>
#include <charconv>
#include <set>

namespace wg::config {
namespace {

std::size_t wildcard_count(std::string_view filter) {
    std::size_t count = 0;
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = filter.find('/', start);
        const std::string_view level = filter.substr(start, end == std::string_view::npos ? end : end - start);
        if (level == "+" || level == "#") ++count;
        if (end == std::string_view::npos) return count;
        start = end + 1;
    }
}

bool has_control(std::string_view text) {
    for (const char c : text)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return true;
    return false;
}

}  // namespace

std::optional<std::string> check_bridge_name(std::string_view name) {
    if (name.empty() || name.size() > 64) return "must be 1 to 64 characters long";
    for (const char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.')
            return "may contain only letters, digits, '_', '-' and '.'";
    return std::nullopt;
}

bool is_tls_address(std::string_view address) {
    return address.starts_with("ssl://") || address.starts_with("mqtts://");
}

std::optional<std::string> check_bridge_address(std::string_view address) {
    const std::size_t scheme_end = address.find("://");
    if (scheme_end == std::string_view::npos)
        return "expected scheme://host:port (tcp://, mqtt://, ssl:// or mqtts://), got \"" + std::string{address} + "\"";
    const std::string_view scheme = address.substr(0, scheme_end);
    if (scheme != "tcp" && scheme != "mqtt" && scheme != "ssl" && scheme != "mqtts")
        return "unknown scheme \"" + std::string{scheme} + "\" (expected tcp, mqtt, ssl or mqtts)";
    std::string_view rest = address.substr(scheme_end + 3);
    std::string_view host;
    std::string_view port;
    if (rest.starts_with('[')) {
        const std::size_t close = rest.find(']');
        if (close == std::string_view::npos) return "an IPv6 address needs a closing ']'";
        host = rest.substr(1, close - 1);
        if (close + 1 >= rest.size() || rest[close + 1] != ':') return "expected :port after the host";
        port = rest.substr(close + 2);
    } else {
        const std::size_t colon = rest.rfind(':');
        if (colon == std::string_view::npos) return "expected :port after the host";
        host = rest.substr(0, colon);
        port = rest.substr(colon + 1);
    }
    if (host.empty()) return "the host is missing";
    if (host.find_first_of("/ ") != std::string_view::npos || has_control(host)) return "the host is not valid";
    unsigned value = 0;
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || error != std::errc{} || end != port.data() + port.size() || value < 1 || value > 65535)
        return "the port must be a number from 1 to 65535";
    return std::nullopt;
}

std::optional<std::string> check_mqtt_version(std::string_view version) {
    if (version == "3.1.1" || version == "5") return std::nullopt;
    return "must be \"3.1.1\" or \"5\"";
}

std::optional<std::string> check_client_id(std::string_view client_id) {
    if (client_id.size() > 65535) return "is longer than 65535 bytes";
    if (has_control(client_id)) return "contains a control character";
    return std::nullopt;
}

std::optional<std::string> check_alpn(std::string_view protocol) {
    if (protocol.empty() || protocol.size() > 255) return "an ALPN protocol name must be 1 to 255 bytes long";
    return std::nullopt;
}

std::optional<std::string> check_topic_name(std::string_view topic) {
    if (topic.empty()) return "must not be empty";
    if (topic.size() > 65535) return "is longer than 65535 bytes";
    if (topic.find_first_of("+#") != std::string_view::npos) return "a topic to publish to cannot contain + or #";
    if (topic.find('\0') != std::string_view::npos) return "contains a NUL character";
    return std::nullopt;
}

std::optional<std::string> check_optional_topic_name(std::string_view topic) {
    return topic.empty() ? std::nullopt : check_topic_name(topic);
}

std::optional<std::string> check_topic_filter(std::string_view filter) {
    if (filter.empty()) return "must not be empty";
    if (filter.size() > 65535) return "is longer than 65535 bytes";
    if (filter.find('\0') != std::string_view::npos) return "contains a NUL character";
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = filter.find('/', start);
        const bool last = end == std::string_view::npos;
        const std::string_view level = filter.substr(start, last ? end : end - start);
        if (level.find_first_of("+#") != std::string_view::npos && level != "+" && level != "#")
            return "+ and # must stand alone in a level (\"a/+/b\", \"a/#\")";
        if (level == "#" && !last) return "# must be the last level";
        if (last) return std::nullopt;
        start = end + 1;
    }
}

std::optional<std::string> check_remote_template(std::string_view remote, std::string_view filter) {
    if (remote.empty()) return "must not be empty";
    const std::size_t captures = wildcard_count(filter);
    for (std::size_t i = 0; i < remote.size(); ++i) {
        const char c = remote[i];
        if (c == '+' || c == '#') return "a topic template cannot contain + or #";
        if (c == '}') return "a '}' without '{' (placeholders are {topic}, {1}, {2}, ...)";
        if (c != '{') continue;
        const std::size_t close = remote.find('}', i);
        if (close == std::string_view::npos) return "a '{' without '}' (placeholders are {topic}, {1}, {2}, ...)";
        const std::string_view name = remote.substr(i + 1, close - i - 1);
        i = close;
        if (name == "topic") continue;
        std::size_t index = 0;
        const auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), index);
        if (name.empty() || error != std::errc{} || end != name.data() + name.size())
            return "unknown placeholder {" + std::string{name} + "} (expected {topic}, {1}, {2}, ...)";
        if (index < 1 || index > captures)
            return "{" + std::string{name} + "} refers to wildcard " + std::to_string(index) + ", but the filter \"" +
                   std::string{filter} + "\" has " + std::to_string(captures);
    }
    return std::nullopt;
}

std::optional<KeyProblem> find_bridge_problem(const Bridge& bridge, const std::string& key) {
    if (bridge.addresses.empty()) return KeyProblem{key + ".address", "missing (the cloud broker's address)"};
    const bool tls = is_tls_address(bridge.addresses.front());
    for (const std::string& address : bridge.addresses)
        if (is_tls_address(address) != tls)
            return KeyProblem{key + ".address", "mixes TLS (ssl://, mqtts://) and plain (tcp://, mqtt://) addresses"};
    if (!tls) {
        for (const auto& [name, value] :
             {std::pair{"ca_file", &bridge.ca_file}, {"cert_file", &bridge.cert_file}, {"key_file", &bridge.key_file}})
            if (!value->empty())
                return KeyProblem{key + "." + name, "TLS files need a TLS address (ssl://host:port)"};
        if (!bridge.alpn.empty()) return KeyProblem{key + ".alpn", "ALPN needs a TLS address (ssl://host:port)"};
    }
    if (bridge.cert_file.empty() != bridge.key_file.empty())
        return KeyProblem{key + (bridge.cert_file.empty() ? ".cert_file" : ".key_file"),
                          "cert_file and key_file go together (the client certificate and its key)"};
    if (bridge.will_topic.empty() && !bridge.will_payload.empty())
        return KeyProblem{key + ".will_payload", "a Will payload needs a will_topic"};
    if (bridge.birth_topic.empty() && !bridge.birth_payload.empty())
        return KeyProblem{key + ".birth_payload", "a birth payload needs a birth_topic"};
    if (bridge.reconnect_max_ms < bridge.reconnect_initial_ms)
        return KeyProblem{key + ".reconnect_max_ms", "must not be below reconnect_initial_ms (" +
                                                         std::to_string(bridge.reconnect_initial_ms) + ")"};
    if (!bridge.password.empty() && bridge.username.empty() && bridge.mqtt_version != "5")
        return KeyProblem{key + ".password", "MQTT 3.1.1 allows a password only with a username"};
    if (bridge.forward.empty() && bridge.downlink.empty() && bridge.liveness.topic.empty())
        return KeyProblem{key + ".forward",
                          "the bridge has nothing to do: give it a [[bridge.forward]] rule, a [[bridge.downlink]] rule "
                          "or a [bridge.liveness] topic"};
    if (bridge.session_expiry != 0 && bridge.mqtt_version != "5")
        return KeyProblem{key + ".session_expiry", "needs mqtt_version = \"5\" (MQTT 3.1.1 has clean_session only)"};
    for (std::size_t i = 0; i < bridge.forward.size(); ++i) {
        const ForwardRule& rule = bridge.forward[i];
        const std::string rule_key = key + ".forward[" + std::to_string(i) + "]";
        if (auto problem = check_topic_filter(rule.local)) return KeyProblem{rule_key + ".local", *problem};
        if (auto problem = check_remote_template(rule.remote, rule.local))
            return KeyProblem{rule_key + ".remote", *problem};
    }
    for (std::size_t i = 0; i < bridge.downlink.size(); ++i) {
        const DownlinkRule& rule = bridge.downlink[i];
        const std::string rule_key = key + ".downlink[" + std::to_string(i) + "]";
        if (auto problem = check_topic_filter(rule.remote)) return KeyProblem{rule_key + ".remote", *problem};
        if (auto problem = check_remote_template(rule.local, rule.remote))
            return KeyProblem{rule_key + ".local", *problem};
    }
    if (!bridge.liveness.topic.empty())
        if (auto problem = check_liveness_template(bridge.liveness.topic))
            return KeyProblem{key + ".liveness.topic", *problem};
    return std::nullopt;
}

std::optional<std::string> check_liveness_template(std::string_view topic) {
    if (topic.empty()) return "must not be empty";
    if (topic.find_first_of("+#") != std::string_view::npos) return "a topic template cannot contain + or #";
    for (std::size_t open = topic.find('{'); open != std::string_view::npos; open = topic.find('{', open + 1)) {
        if (!topic.substr(open).starts_with("{client_id}"))
            return "unknown placeholder at \"" + std::string{topic.substr(open)} + "\" (the only one is {client_id})";
    }
    return std::nullopt;
}

std::optional<KeyProblem> find_bridges_problem(const std::vector<Bridge>& bridges, const Storage& storage) {
    std::set<std::string> names;
    for (std::size_t i = 0; i < bridges.size(); ++i) {
        const std::string key = "bridge[" + std::to_string(i) + "]";
        if (storage.durability == "none")
            return KeyProblem{key, "a bridge keeps its outbox in the database, which storage.durability \"none\" turns off"};
        if (!names.insert(bridges[i].name).second)
            return KeyProblem{key + ".name", "another bridge is already called \"" + bridges[i].name + "\""};
    }
    return std::nullopt;
}

}  // namespace wg::config
