#include "bridge/profiles/huawei_messages.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "common/json_text.h"
#include "common/utc_text.h"
#include "common/utf8.h"

namespace wg::bridge::huawei {
namespace {

std::string status_event(std::string_view gateway_id, const std::vector<const SubDeviceStatus*>& batch,
                         std::string_view event_time) {
    std::string out = "{\"object_device_id\":";
    json::append_string(out, gateway_id);
    out += ",\"services\":[{\"service_id\":\"$sub_device_manager\","
           "\"event_type\":\"sub_device_update_status\",\"event_time\":";
    json::append_string(out, event_time);
    out += ",\"paras\":{\"device_statuses\":[";
    for (std::size_t i = 0; i < batch.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        out += "{\"device_id\":";
        json::append_string(out, batch[i]->device_id);
        out += batch[i]->online ? ",\"status\":\"ONLINE\"}" : ",\"status\":\"OFFLINE\"}";
    }
    out += "]}}]}";
    return out;
}

std::string service_entry(const SubDeviceProperties& service) {
    std::string out = "{\"service_id\":";
    json::append_string(out, service.service_id);
    out += ",\"properties\":";
    out += service.properties_json;
    out += ",\"event_time\":";
    json::append_string(out, json::iso8601_utc(service.at_ms));
    out += '}';
    return out;
}

// Fills report messages one service at a time. `text_` is the message so far without its
// closing brackets: "]}" closes the devices array and the message, and "]}" before that the
// services array and the entry of the last device, while one is open.
class ReportPacker {
public:
    explicit ReportPacker(std::size_t max_bytes) : max_bytes_{max_bytes} { reset(); }

    void add(std::string_view device_id, const std::string& service) {
        if (devices_ > 0 && device_id == open_device_) {
            if (text_.size() + 1 + service.size() + 4 <= max_bytes_) {
                text_ += ',';
                text_ += service;
                return;
            }
            flush();
        }
        std::string entry = "{\"device_id\":";
        json::append_string(entry, device_id);
        entry += ",\"services\":[";
        entry += service;
        const std::size_t close_previous = devices_ > 0 ? 2 + 1 : 0;  // "]}" and ","
        if (devices_ == kMaxDevicesPerReport ||
            (devices_ > 0 && text_.size() + close_previous + entry.size() + 4 > max_bytes_)) {
            flush();
        }
        if (devices_ > 0) {
            text_ += "]},";
        }
        text_ += entry;
        open_device_ = std::string{device_id};
        ++devices_;
    }

    std::vector<std::string> finish() {
        flush();
        return std::move(messages_);
    }

private:
    void flush() {
        if (devices_ > 0) {
            messages_.push_back(text_ + "]}]}");
        }
        reset();
    }

    void reset() {
        text_ = "{\"devices\":[";
        devices_ = 0;
        open_device_.clear();
    }

    std::size_t max_bytes_;
    std::vector<std::string> messages_;
    std::string text_;
    std::size_t devices_ = 0;
    std::string open_device_;
};

enum class JsonKind { None, Object, Other };

JsonKind json_kind(const std::string& text) {
    try {
        Poco::JSON::Parser parser;
        if (parser.parse(text).type() == typeid(Poco::JSON::Object::Ptr)) {
            return JsonKind::Object;
        }
    } catch (const Poco::Exception&) {
    } catch (const std::exception&) {
    }
    // POCO's parser takes only an object or an array at the top; inside an array it takes any
    // value, so a bare value is one when "[value]" is an array of one element.
    try {
        Poco::JSON::Parser parser;
        const auto array = parser.parse("[" + text + "]").extract<Poco::JSON::Array::Ptr>();
        if (array && array->size() == 1) {
            return JsonKind::Other;
        }
    } catch (const Poco::Exception&) {
    } catch (const std::exception&) {
    }
    return JsonKind::None;
}

}  // namespace

std::string iotda_event_time(std::int64_t epoch_ms) { return utc_text(epoch_ms, "%Y%m%dT%H%M%SZ"); }

std::vector<std::string> status_update_events(std::string_view gateway_id,
                                              std::span<const SubDeviceStatus> statuses,
                                              std::int64_t now_ms) {
    // The latest status of each device, at the place where the device first appears.
    std::vector<const SubDeviceStatus*> latest;
    std::unordered_map<std::string_view, std::size_t> index;
    for (const SubDeviceStatus& status : statuses) {
        const auto [at, added] = index.try_emplace(status.device_id, latest.size());
        if (added) {
            latest.push_back(&status);
        } else if (status.at_ms >= latest[at->second]->at_ms) {
            latest[at->second] = &status;
        }
    }

    const std::string event_time = iotda_event_time(now_ms);
    std::vector<std::string> events;
    for (std::size_t first = 0; first < latest.size(); first += kMaxStatusesPerEvent) {
        const std::size_t last = std::min(latest.size(), first + kMaxStatusesPerEvent);
        const std::vector<const SubDeviceStatus*> batch(latest.begin() + static_cast<std::ptrdiff_t>(first),
                                                        latest.begin() + static_cast<std::ptrdiff_t>(last));
        events.push_back(status_event(gateway_id, batch, event_time));
    }
    return events;
}

std::vector<std::string> properties_reports(std::span<const SubDeviceProperties> properties,
                                            std::size_t max_payload_bytes) {
    // The services of each device, devices in the order they first appear.
    std::vector<std::vector<const SubDeviceProperties*>> devices;
    std::unordered_map<std::string_view, std::size_t> index;
    for (const SubDeviceProperties& service : properties) {
        const auto [at, added] = index.try_emplace(service.device_id, devices.size());
        if (added) {
            devices.emplace_back();
        }
        devices[at->second].push_back(&service);
    }

    ReportPacker packer{max_payload_bytes};
    for (const auto& services : devices) {
        for (const SubDeviceProperties* service : services) {
            packer.add(service->device_id, service_entry(*service));
        }
    }
    return packer.finish();
}

std::variant<std::string, Refusal> telemetry_properties(std::string_view payload) {
    const auto begin = payload.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos) {
        return Refusal{"the payload is empty: there is no property to report"};
    }
    if (!is_valid_utf8(payload)) {
        return Refusal{"the payload is not UTF-8 text: IoTDA properties are JSON"};
    }
    const std::string text{payload.substr(begin, payload.find_last_not_of(" \t\r\n") - begin + 1)};
    switch (json_kind(text)) {
        case JsonKind::Object:
            return text;
        case JsonKind::Other:
            return "{\"" + std::string{kValueProperty} + "\":" + text + "}";
        case JsonKind::None:
            break;
    }
    std::string out = "{\"" + std::string{kValueProperty} + "\":";
    json::append_string(out, text);
    out += '}';
    return out;
}

}  // namespace wg::bridge::huawei
