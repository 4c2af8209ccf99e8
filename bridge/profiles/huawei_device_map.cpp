#include "bridge/profiles/huawei_device_map.h"

#include <set>
#include <utility>

#include "bridge/profiles/huawei_credentials.h"

namespace wg::bridge::huawei {
namespace {

constexpr std::string_view kClientId = "{client_id}";
constexpr std::string_view kGatewayId = "{gateway_id}";

// `text` with every {gateway_id} replaced.
std::string fill_gateway_id(std::string_view text, std::string_view gateway_id) {
    std::string out;
    for (std::size_t at = 0; at < text.size();) {
        if (text.substr(at).starts_with(kGatewayId)) {
            out += gateway_id;
            at += kGatewayId.size();
        } else {
            out += text[at++];
        }
    }
    return out;
}

std::optional<std::string> check_template(std::string_view text) {
    std::size_t client_ids = 0;
    for (std::size_t open = text.find('{'); open != std::string_view::npos; open = text.find('{', open + 1)) {
        const std::string_view rest = text.substr(open);
        if (rest.starts_with(kClientId)) {
            ++client_ids;
        } else if (!rest.starts_with(kGatewayId)) {
            const std::size_t close = rest.find('}');
            const std::string_view name = rest.substr(0, close == rest.npos ? rest.size() : close + 1);
            return "unknown placeholder \"" + std::string{name} +
                   "\" in the sub-device id template (only {client_id} and {gateway_id})";
        }
    }
    if (client_ids != 1) {
        return "the sub-device id template needs {client_id} exactly once, not " + std::to_string(client_ids) +
               " times";
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> check_device_map(const DeviceMapSettings& settings) {
    if (const auto problem = check_device_id(settings.gateway_id)) {
        return "gateway id \"" + settings.gateway_id + "\": " + *problem;
    }
    std::set<std::string_view> sub_devices{settings.gateway_id};
    for (const auto& [client, sub_device] : settings.table) {
        if (const auto problem = check_device_id(sub_device)) {
            return "sub-device id \"" + sub_device + "\" of client \"" + client + "\": " + *problem;
        }
        if (!sub_devices.insert(sub_device).second) {
            return "sub-device id \"" + sub_device +
                   "\" is given to more than one client, or is the gateway's own id";
        }
    }
    if (!settings.template_text.empty()) {
        return check_template(settings.template_text);
    }
    return std::nullopt;
}

DeviceMap::DeviceMap(DeviceMapSettings settings) : gateway_id_{settings.gateway_id} {
    for (auto& [client, sub_device] : settings.table) {
        reverse_.emplace(sub_device, client);
        forward_.emplace(client, std::move(sub_device));
    }
    if (!settings.template_text.empty()) {
        const std::string_view text = settings.template_text;
        const std::size_t at = text.find(kClientId);
        has_template_ = at != std::string_view::npos;
        if (has_template_) {
            prefix_ = fill_gateway_id(text.substr(0, at), settings.gateway_id);
            suffix_ = fill_gateway_id(text.substr(at + kClientId.size()), settings.gateway_id);
        }
    }
}

std::optional<std::string> DeviceMap::sub_device_id(std::string_view client_id) const {
    if (const auto found = forward_.find(client_id); found != forward_.end()) {
        return found->second;
    }
    if (!has_template_) {
        return std::nullopt;
    }
    std::string id = prefix_ + std::string{client_id} + suffix_;
    if (client_id.empty() || check_device_id(id) || id == gateway_id_) {
        return std::nullopt;
    }
    return id;
}

std::optional<std::string> DeviceMap::client_id(std::string_view sub_device_id) const {
    if (const auto found = reverse_.find(sub_device_id); found != reverse_.end()) {
        return found->second;
    }
    if (!has_template_ || sub_device_id == gateway_id_ ||
        sub_device_id.size() <= prefix_.size() + suffix_.size() || !sub_device_id.starts_with(prefix_) ||
        !sub_device_id.ends_with(suffix_)) {
        return std::nullopt;
    }
    std::string client{
        sub_device_id.substr(prefix_.size(), sub_device_id.size() - prefix_.size() - suffix_.size())};
    if (this->sub_device_id(client) != sub_device_id) {
        return std::nullopt;
    }
    return client;
}

}  // namespace wg::bridge::huawei
