#include "config/bridge_checks.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <initializer_list>
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
    if (bridge.profile == "aws_iot" && bridge.aws_iot.thing_name.empty())
        return KeyProblem{key + ".aws_iot.thing_name",
                          "missing: profile \"aws_iot\" needs [bridge.aws_iot] thing_name (the gateway's thing)"};
    if (bridge.profile == "huawei_iotda") {
        if (bridge.huawei_iotda.device_id.empty())
            return KeyProblem{key + ".huawei_iotda.device_id",
                              "missing: profile \"huawei_iotda\" needs [bridge.huawei_iotda] device_id and secret"};
        if (bridge.huawei_iotda.secret.empty())
            return KeyProblem{key + ".huawei_iotda.secret", "missing: the gateway device's secret from the IoTDA console"};
    }
    if (bridge.profile == "generic" && bridge.forward.empty() && bridge.downlink.empty() && bridge.liveness.topic.empty())
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

namespace {

bool name_characters(std::string_view text, std::string_view extra) {
    return std::all_of(text.begin(), text.end(), [extra](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               extra.find(c) != std::string_view::npos;
    });
}

// Whether `placeholder` appears in `topic` only as whole levels; `count` gets how often.
bool whole_levels(std::string_view topic, std::string_view placeholder, int& count) {
    count = 0;
    for (std::size_t at = topic.find(placeholder); at != std::string_view::npos; at = topic.find(placeholder, at + 1)) {
        ++count;
        const std::size_t end = at + placeholder.size();
        if ((at > 0 && topic[at - 1] != '/') || (end < topic.size() && topic[end] != '/')) return false;
    }
    return true;
}

// `text` without every occurrence of `known` (to see what other placeholders are left).
std::string without(std::string text, std::initializer_list<std::string_view> known) {
    for (const std::string_view placeholder : known)
        for (std::size_t at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder))
            text.erase(at, placeholder.size());
    return text;
}

std::optional<std::string> check_placeholder_topic(std::string_view topic, bool client_id_required) {
    if (topic.empty()) return "must not be empty";
    if (topic.find_first_of("+#") != std::string_view::npos) return "a topic template cannot contain + or #";
    int clients = 0;
    int requests = 0;
    if (!whole_levels(topic, "{client_id}", clients) || !whole_levels(topic, "{request_id}", requests))
        return "{client_id} and {request_id} must each be a whole topic level (\"devices/{client_id}/...\")";
    if (requests != 1) return "must contain {request_id} once";
    if (clients > 1 || (client_id_required && clients != 1)) return "must contain {client_id} once";
    if (without(std::string{topic}, {"{client_id}", "{request_id}"}).find_first_of("{}") != std::string::npos) return "the only placeholders are {client_id} and {request_id}";
    return std::nullopt;
}

}  // namespace

std::optional<std::string> check_bridge_profile(std::string_view profile) {
    if (profile == "generic" || profile == "aws_iot" || profile == "huawei_iotda") return std::nullopt;
    return "unknown profile \"" + std::string{profile} + "\" (expected generic, aws_iot or huawei_iotda)";
}

std::optional<std::string> check_aws_thing_name(std::string_view name) {
    if (name.empty() || name.size() > 128 || !name_characters(name, ":_-"))
        return "must be 1 to 128 characters out of A-Z a-z 0-9 : _ - (an AWS IoT thing name)";
    return std::nullopt;
}

std::optional<std::string> check_aws_thing_prefix(std::string_view prefix) {
    if (prefix.size() > 64 || !name_characters(prefix, ":_-"))
        return "must be at most 64 characters out of A-Z a-z 0-9 : _ - (the start of a thing name)";
    return std::nullopt;
}

std::optional<std::string> check_aws_shadow_mode(std::string_view mode) {
    if (mode == "named" || mode == "classic" || mode == "none") return std::nullopt;
    return "expected \"named\" (a named shadow of thing_name per device), \"classic\" (a thing per device) or "
           "\"none\"";
}

std::optional<std::string> check_iotda_device_id(std::string_view id) {
    if (id.empty() || id.size() > 128 || !name_characters(id, "_-"))
        return "must be 1 to 128 characters out of A-Z a-z 0-9 _ - (an IoTDA device id)";
    return std::nullopt;
}

std::optional<std::string> check_iotda_service_id(std::string_view id) {
    if (id.empty() || id.size() > 64) return "must be 1 to 64 characters (a service id of the product model)";
    if (std::any_of(id.begin(), id.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
        return "contains a control character";
    return std::nullopt;
}

std::optional<std::string> check_iotda_sub_device_template(std::string_view text) {
    if (text.empty()) return std::nullopt;
    if (text.find("{client_id}") == std::string_view::npos)
        return "must contain {client_id} (or be \"\" to use only [bridge.huawei_iotda.sub_devices])";
    if (without(std::string{text}, {"{client_id}", "{gateway_id}"}).find_first_of("{}") != std::string::npos) return "the only placeholders are {client_id} and {gateway_id}";
    return std::nullopt;
}

std::optional<std::string> check_iotda_command_topic(std::string_view topic) {
    return check_placeholder_topic(topic, true);
}

std::optional<std::string> check_iotda_response_topic(std::string_view topic) {
    return check_placeholder_topic(topic, false);
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
