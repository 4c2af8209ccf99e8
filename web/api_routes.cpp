#include "web/api_routes.h"

#include <charconv>

#include "web/device_json.h"
#include "web/json_writer.h"
#include "web/metrics_text.h"
#include "web/uptime.h"

namespace wg::web {
namespace {

constexpr std::int64_t kDayMs = 24 * 60 * 60 * 1000;

void write_uptime(JsonWriter& json, std::string_view name, const std::optional<double>& fraction) {
    json.key(name);
    if (fraction) {
        json.value(*fraction);
    } else {
        json.null();
    }
}

}  // namespace

HttpResponse list_devices(ApiContext& api) {
    // The sequence first: a change after it is then either in the list or in the stream.
    const std::int64_t sequence = api.liveness.last_sequence();
    const std::vector<liveness::DeviceStatus> devices = api.liveness.devices();
    std::uint64_t online = 0;
    for (const auto& device : devices) {
        online += device.online ? 1 : 0;
    }
    JsonWriter json;
    json.begin_object()
        .member("sequence", sequence)
        .member("online", online)
        .member("offline", static_cast<std::uint64_t>(devices.size()) - online);
    json.key("devices").begin_array();
    for (const auto& device : devices) {
        write_device(json, device);
    }
    json.end_array().end_object();
    return json_response(200, json.take());
}

HttpResponse get_device(ApiContext& api, const std::string& client_id) {
    const auto device = api.liveness.device(client_id);
    if (!device) {
        return error_response(404, "unknown device");
    }
    JsonWriter json;
    write_device(json, *device);
    return json_response(200, json.take());
}

HttpResponse device_history(ApiContext& api, const std::string& client_id,
                            const std::map<std::string, std::string>& query) {
    const std::int64_t now = wall_ms(api.clock);
    const std::int64_t week_ago = now - 7 * kDayMs;
    std::int64_t from = week_ago;
    if (const auto found = query.find("from"); found != query.end()) {
        const std::string& text = found->second;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), from);
        if (text.empty() || error != std::errc{} || end != text.data() + text.size() || from < 0) {
            return error_response(400, "from: expected milliseconds since the Unix epoch");
        }
    }
    if (!api.liveness.device(client_id)) {
        return error_response(404, "unknown device");
    }
    const std::vector<liveness::Transition> week = api.liveness.history(client_id, week_ago);
    const std::vector<liveness::Transition> transitions =
        from == week_ago ? week : api.liveness.history(client_id, from);
    JsonWriter json;
    json.begin_object().member("client_id", client_id).member("from_ms", from).member("now_ms", now);
    write_uptime(json, "uptime_24h", uptime_fraction(week, now - kDayMs, now));
    write_uptime(json, "uptime_7d", uptime_fraction(week, week_ago, now));
    json.key("transitions").begin_array();
    for (const auto& transition : transitions) {
        write_transition(json, transition);
    }
    json.end_array().end_object();
    return json_response(200, json.take());
}

HttpResponse forget_device(ApiContext& api, const std::string& client_id) {
    const auto device = api.liveness.device(client_id);
    if (!device) {
        return error_response(404, "unknown device");
    }
    // Read before the forget: any later transition of the device comes after it.
    const std::int64_t sequence = api.liveness.last_sequence();
    if (device->online || !api.liveness.forget(client_id)) {
        // forget() also refuses a device that came online since the look-up.
        if (!api.liveness.device(client_id)) {
            return error_response(404, "unknown device");
        }
        return error_response(409, "the device is online; only offline devices can be forgotten");
    }
    if (api.forgotten != nullptr) {
        api.forgotten->add(client_id, sequence);
    }
    JsonWriter json;
    json.begin_object().member("forgotten", client_id).end_object();
    return json_response(200, json.take());
}

HttpResponse broker_status(ApiContext& api) {
    JsonWriter json;
    write_broker_status(json, api.broker.status(), wall_ms(api.clock));
    return json_response(200, json.take());
}

HttpResponse metrics(ApiContext& api) {
    const broker::BrokerStatus status = api.broker.status();
    DeviceCounts counts;
    for (const auto& device : api.liveness.devices()) {
        (device.online ? counts.online : counts.offline) += 1;
    }
    HttpResponse response;
    response.content_type = kMetricsContentType;
    response.body = metrics_text(status, counts, wall_ms(api.clock));
    return response;
}

HttpResponse healthz() { return json_response(200, R"({"status":"ok"})"); }

}  // namespace wg::web
