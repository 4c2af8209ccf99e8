// The read-and-forget API over the liveness and broker ports, and /metrics and /healthz.
// Each function builds a whole response; web/router.cpp decides who may call it.
//
// Threading: called on the server's pool threads, concurrently; the ports are thread-safe.
#pragma once

#include <map>
#include <string>

#include "common/clock.h"
#include "web/forgotten_devices.h"
#include "web/http_types.h"
#include "willgate/broker_status.h"
#include "willgate/liveness.h"

namespace wg::web {

struct ApiContext {
    liveness::LivenessReader& liveness;
    const broker::BrokerStatusSource& broker;
    const Clock& clock;
    ForgottenDevices* forgotten = nullptr;  // told of every forget, for the live streams
};

// GET /api/devices: {"sequence", "online", "offline", "devices": [...]}; sequence is the
// change stream position the list is at least as new as (for /api/events?after=).
HttpResponse list_devices(ApiContext& api);
// GET /api/devices/{id}: the device, or 404.
HttpResponse get_device(ApiContext& api, const std::string& client_id);
// GET /api/devices/{id}/history?from=MS: transitions since `from` (default: 7 days ago) with
// uptime_24h and uptime_7d; 400 for a bad `from`, 404 for an unknown device.
HttpResponse device_history(ApiContext& api, const std::string& client_id,
                            const std::map<std::string, std::string>& query);
// DELETE /api/devices/{id}: forgets an offline device (and tells api.forgotten); 404 unknown,
// 409 online.
HttpResponse forget_device(ApiContext& api, const std::string& client_id);
// GET /api/broker
HttpResponse broker_status(ApiContext& api);
// GET /metrics
HttpResponse metrics(ApiContext& api);
// GET /healthz
HttpResponse healthz();

}  // namespace wg::web
