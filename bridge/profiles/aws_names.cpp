#include "bridge/profiles/aws_names.h"

namespace wg::bridge::aws {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

// Characters that stand for themselves in an escaped name.
bool is_plain(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' || c == '-';
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;  // lower case too: only one spelling per client id
}

AwsName name_for(std::string_view prefix, std::string_view client_id, std::size_t max_bytes, const char* what) {
    if (client_id.empty()) return {{}, std::string{"an empty client id has no AWS "} + what};
    std::string name{prefix};
    name += escape_name(client_id);
    if (name.size() > max_bytes)
        return {{},
                std::string{"the client id makes an AWS "} + what + " of " +
                    std::to_string(name.size()) + " bytes once escaped (at most " + std::to_string(max_bytes) + ")"};
    return {std::move(name), {}};
}

}  // namespace

bool is_valid_aws_name(std::string_view name, std::size_t max_bytes) {
    if (name.empty() || name.size() > max_bytes) return false;
    for (const char c : name)
        if (!is_plain(c) && c != '_') return false;
    return true;
}

std::string escape_name(std::string_view client_id) {
    std::string name;
    name.reserve(client_id.size());
    for (const char c : client_id) {
        if (is_plain(c)) {
            name += c;
            continue;
        }
        const auto byte = static_cast<unsigned char>(c);
        name += '_';
        name += kHex[byte >> 4];
        name += kHex[byte & 0xF];
    }
    return name;
}

std::optional<std::string> unescape_name(std::string_view name) {
    std::string client_id;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        if (is_plain(c)) {
            client_id += c;
            continue;
        }
        if (c != '_' || name.size() - i < 3) return std::nullopt;
        const int high = hex_value(name[i + 1]);
        const int low = hex_value(name[i + 2]);
        if (high < 0 || low < 0) return std::nullopt;
        const auto decoded = static_cast<char>(high << 4 | low);
        if (is_plain(decoded)) return std::nullopt;  // escape_name() never escapes these
        client_id += decoded;
        i += 2;
    }
    return client_id;
}

AwsName shadow_name_for(std::string_view client_id) {
    return name_for({}, client_id, kMaxShadowNameBytes, "shadow name");
}

AwsName thing_name_for(std::string_view prefix, std::string_view client_id) {
    for (const char c : prefix)
        if (!is_plain(c) && c != '_')
            return {{}, "the thing name prefix \"" + std::string{prefix} + "\" has a character AWS does not allow"};
    return name_for(prefix, client_id, kMaxThingNameBytes, "thing name");
}

}  // namespace wg::bridge::aws
