#pragma once
// Which IoTDA sub-device a local field device (an MQTT client id on the gateway's broker) is,
// and back. Two sources, the table first:
//
// - a table of explicit pairs, client id -> sub-device id;
// - a template for every other client: literal text with {client_id} exactly once and
//   {gateway_id} any number of times, e.g. "{gateway_id}_{client_id}", "{client_id}", or
//   "6543a1b2c3_{client_id}" (IoTDA names a device it registers "{product_id}_{node_id}").
//
// Forward (telemetry, status): the table's entry, else the template's result. A client id that
// neither maps, or whose template result is no IoTDA device id (check_device_id(): 1..128
// letters, digits, "_" and "-"), has no sub-device: its messages and status are not reported.
//
// Reverse (commands: object_device_id -> the client to deliver to): the table's entry whose
// value it is, else the template as a pattern: the text between the template's literal prefix
// and suffix is the client id. Ambiguity: the template reverse is accepted only if mapping its
// result forward gives the same sub-device id back. So a client that the table maps elsewhere
// is never reached through the template (with the table {"pump": "hall7_p1"} and the template
// "hall7_{client_id}", "hall7_pump" reaches no one, since "pump" is "hall7_p1"), and two table
// entries with the same sub-device id are refused by check_device_map(). The gateway's own id
// is never a sub-device: commands for it are the gateway's, not a field device's.
//
// Immutable after construction; any thread.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace wg::bridge::huawei {

struct DeviceMapSettings {
    std::string gateway_id;                    // the gateway's own IoTDA device id
    std::map<std::string, std::string> table;  // client id -> sub-device id
    std::string template_text;                 // empty: only the table
};

// nullopt if `settings` make a DeviceMap: the gateway id and every table value pass
// check_device_id(), no two table entries share a sub-device id, none is the gateway's id, and
// the template (if any) has {client_id} exactly once and no other placeholder than
// {gateway_id}. Else why not.
std::optional<std::string> check_device_map(const DeviceMapSettings& settings);

class DeviceMap {
public:
    // `settings` have passed check_device_map().
    explicit DeviceMap(DeviceMapSettings settings);

    std::optional<std::string> sub_device_id(std::string_view client_id) const;
    std::optional<std::string> client_id(std::string_view sub_device_id) const;

private:
    std::string gateway_id_;
    std::map<std::string, std::string, std::less<>> forward_;
    std::map<std::string, std::string, std::less<>> reverse_;
    bool has_template_ = false;
    std::string prefix_;  // the template before {client_id}, {gateway_id} filled in
    std::string suffix_;  // the template after {client_id}
};

}  // namespace wg::bridge::huawei
