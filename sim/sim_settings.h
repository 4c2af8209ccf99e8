#pragma once
// willgate-sim's command line: the settings of one run, read and checked up front. A bad
// value throws mqtt_load::UsageError (exit status 2) naming the option.

#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "mqtt_load/options.h"

namespace wg::sim {

enum class KillMode : std::uint8_t { Close, Reset };

struct SimSettings {
    std::string host = "127.0.0.1";
    std::uint16_t port = 1883;
    sockaddr_in address{};
    std::size_t devices = 100;
    std::string client_prefix = "sim-";
    std::uint8_t protocol_level = 4;  // 4: MQTT 3.1.1, 5: MQTT 5.0
    std::uint16_t keep_alive_s = 30;

    std::string will_topic = "devices/{id}/status";  // {id} is the client id
    std::string will_payload = "offline";
    std::uint8_t will_qos = 1;
    bool will_retain = false;
    bool birth = true;  // a retained "online" on the Will topic after each CONNACK

    double rate = 1;  // telemetry messages per second per device; 0: none
    std::string telemetry_topic = "devices/{id}/telemetry";
    std::uint8_t qos = 0;

    double kill_fraction = 0.1;
    double kill_interval_s = 10;
    KillMode kill_mode = KillMode::Close;
    double reconnect_delay_s = 2;  // 0: a killed device stays offline

    double duration_s = 0;  // 0: until SIGINT/SIGTERM
    double connect_rate = 500;
    double status_interval_s = 5;
    std::uint64_t seed = 0;  // of the choice of devices to kill; 0: a random one
};

SimSettings parse_settings(mqtt_load::Options& options);

// The text of `--help`.
extern const std::string_view kUsage;

// "sim-" and 7 of 100 -> "sim-0007": numbered from 1, at least 4 digits, all the same width.
std::string client_id(const SimSettings& settings, std::size_t index);

// The topic template with every "{id}" replaced by the client id.
std::string expand_topic(std::string_view topic_template, std::string_view id);

}  // namespace wg::sim
