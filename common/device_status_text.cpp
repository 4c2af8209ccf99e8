#include "common/device_status_text.h"

#include "common/json_text.h"

namespace wg {

std::string topic_level_of(std::string_view client_id) {
    std::string level;
    level.reserve(client_id.size());
    for (const char c : client_id) {
        switch (c) {
            case '/': level += "%2F"; break;
            case '+': level += "%2B"; break;
            case '#': level += "%23"; break;
            case '%': level += "%25"; break;
            default: level.push_back(c);
        }
    }
    return level;
}

std::string device_status_json(std::string_view client_id, bool online, std::int64_t since_ms, std::string_view cause,
                               std::string_view reason, std::string_view peer) {
    std::string json = "{\"client_id\":";
    json::append_string(json, client_id);
    json += online ? ",\"online\":true" : ",\"online\":false";
    json += ",\"since\":";
    json::append_string(json, json::iso8601_utc(since_ms));
    json += ",\"since_ms\":" + std::to_string(since_ms) + ",\"cause\":";
    json::append_string(json, cause);
    json += ",\"reason\":";
    json::append_string(json, reason);
    json += ",\"peer\":";
    json::append_string(json, peer);
    json += '}';
    return json;
}

}  // namespace wg
