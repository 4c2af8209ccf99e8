#pragma once
// The JSON payloads the gateway sends to Huawei Cloud IoTDA on behalf of its field devices (the
// sub-devices of the IoTDA gateway):
//
// - sub-device status events for $oc/devices/{gateway_id}/sys/events/up ("Gateway Updating
//   Child Device Status", https://support.huaweicloud.com/intl/en-us/api-iothub/iot_06_v5_3022.html):
//   {"object_device_id":gw,"services":[{"service_id":"$sub_device_manager",
//    "event_type":"sub_device_update_status","event_time":"20151212T121212Z",
//    "paras":{"device_statuses":[{"device_id":...,"status":"ONLINE"|"OFFLINE"}]}}]}
//   with 1..100 statuses ("List<DeviceStatus>, 1~100"); event_time is UTC yyyyMMdd'T'HHmmss'Z'.
//   The page marks object_device_id optional and unused; it is set to the gateway's id, which
//   is what the platform's response on .../sys/events/down carries there (iot_06_v5_30233).
// - property reports for $oc/devices/{gateway_id}/sys/gateway/sub_devices/properties/report
//   ("Gateway Reporting Device Properties in Batches",
//   https://support.huaweicloud.com/intl/en-us/api-iothub/iot_06_v5_3006.html):
//   {"devices":[{"device_id":...,"services":[{"service_id":...,"properties":{...},
//    "event_time":"2020-08-12T12:12:12.333Z"}]}]}
//   with at most 100 devices per message ("A gateway can report the properties of a maximum of
//   100 child devices in each batch"); event_time uses the page's millisecond form
//   yyyy-MM-dd'T'HH:mm:ss.SSS'Z' (it also takes yyyyMMdd'T'HHmmss'Z').
// - telemetry_properties(): a device's telemetry payload as a "properties" object.
//
// Strings are escaped by common/json_text.h. Pure functions, any thread.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "bridge/profiles/huawei_guards.h"

namespace wg::bridge::huawei {

inline constexpr std::size_t kMaxStatusesPerEvent = 100;
inline constexpr std::size_t kMaxDevicesPerReport = 100;
// A report payload leaves room for its topic within kMaxMessageBytes: the report topic of a
// gateway id of at most 128 characters has at most 183 bytes.
inline constexpr std::size_t kMaxReportPayloadBytes = kMaxMessageBytes - 256;
// The property that telemetry_properties() puts a payload under when it is not a JSON object.
inline constexpr std::string_view kValueProperty = "value";

// UTC yyyyMMdd'T'HHmmss'Z' ("20151212T121212Z") of milliseconds since the Unix epoch.
std::string iotda_event_time(std::int64_t epoch_ms);

struct SubDeviceStatus {
    std::string device_id;  // the IoTDA sub-device id
    bool online = false;
    std::int64_t at_ms = 0;  // when the device went online or offline
};

// The status events for `statuses`, in payloads of at most 100 statuses; none for none. A device
// listed more than once is reported once, with its latest status (greatest at_ms; at equal times
// the later in the list), at the place where it first appears. Every event's event_time is
// `now_ms`.
std::vector<std::string> status_update_events(std::string_view gateway_id,
                                              std::span<const SubDeviceStatus> statuses,
                                              std::int64_t now_ms);

struct SubDeviceProperties {
    std::string device_id;        // the IoTDA sub-device id
    std::string service_id;       // the service of the device's product model
    std::string properties_json;  // a JSON object, as telemetry_properties() makes it
    std::int64_t at_ms = 0;       // when the device sent it: the service's event_time
};

// The property reports for `properties`, in order: the services of one device go into one
// device entry (devices in the order they first appear; a service reported twice appears
// twice, each with its own event_time); a message has at most 100 device entries and at most
// `max_payload_bytes` bytes. When a device's services do not fit, they continue in an entry of
// the next message; a single service larger than the limit goes alone into a message of its
// own, which guard_publish() then refuses.
std::vector<std::string> properties_reports(std::span<const SubDeviceProperties> properties,
                                            std::size_t max_payload_bytes = kMaxReportPayloadBytes);

// A field device's telemetry payload as the "properties" object of a report. IoTDA takes only
// a JSON object there, and field devices often send a bare value, so:
// - a JSON object is taken as it is (surrounding white space removed);
// - any other JSON value (21.5, "on", true, null, [1,2]) becomes {"value":<that value>};
// - other UTF-8 text becomes {"value":"<the text>"};
// - an empty payload (or only white space) and one that is not UTF-8 are refused: there is no
//   property to report.
std::variant<std::string, Refusal> telemetry_properties(std::string_view payload);

}  // namespace wg::bridge::huawei
