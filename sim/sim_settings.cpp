#include "sim/sim_settings.h"

#include <algorithm>
#include <string>

#include "mqtt_load/tcp.h"

namespace wg::sim {

using mqtt_load::UsageError;

const std::string_view kUsage =
    "usage: willgate-sim [options]\n"
    "Connects simulated devices to an MQTT broker, each with a Will; they publish telemetry,\n"
    "a fraction of them is killed abruptly now and then (the broker publishes their Wills)\n"
    "and they reconnect. SIGINT/SIGTERM or the end of --duration disconnect every device\n"
    "cleanly (no Wills). Exit status: 0 done, 1 no device could connect, 2 bad options.\n"
    "\n"
    "broker and devices:\n"
    "  --host HOST             broker address or IPv4 host name (127.0.0.1)\n"
    "  --port PORT             broker port (1883)\n"
    "  --devices N             number of simulated devices (100)\n"
    "  --client-prefix TEXT    client ids are TEXT0001, TEXT0002, ... (sim-)\n"
    "  --protocol 3.1.1|5      MQTT version (3.1.1)\n"
    "  --keep-alive S          keep-alive in seconds, PINGREQ when idle; 0 = none (30)\n"
    "  --connect-rate R        at most R connection attempts per second (500)\n"
    "Will and birth message ({id} in a topic is the client id):\n"
    "  --will-topic TOPIC      Will topic (devices/{id}/status)\n"
    "  --will-payload TEXT     Will payload (offline)\n"
    "  --will-qos 0|1|2        Will QoS, also the birth message's (1)\n"
    "  --will-retain           the Will is retained\n"
    "  --no-birth              do not publish a retained \"online\" on the Will topic after\n"
    "                          each successful connect\n"
    "telemetry:\n"
    "  --rate R                messages per second per device, e.g. 0.2; 0 = none (1)\n"
    "  --telemetry-topic TOPIC telemetry topic (devices/{id}/telemetry)\n"
    "  --qos 0|1               telemetry QoS (0)\n"
    "                          payload: {\"seq\":N,\"ts\":MS} (per-device sequence number from\n"
    "                          1, Unix time in milliseconds)\n"
    "failures:\n"
    "  --kill-fraction F       fraction of the devices killed each time, 0..1 (0.1)\n"
    "  --kill-interval S       seconds between kills (10)\n"
    "  --kill-mode close|reset close the socket without DISCONNECT (FIN), or with SO_LINGER 0\n"
    "                          (RST) (close)\n"
    "  --reconnect-delay S     a killed device reconnects after S seconds; 0 = it stays\n"
    "                          offline (2)\n"
    "  --seed N                seed for the choice of devices to kill; 0 = random (0)\n"
    "run:\n"
    "  --duration S            stop after S seconds; 0 = until SIGINT/SIGTERM (0)\n"
    "  --status-interval S     seconds between status lines on stdout (5)\n"
    "  -h, --help              this text\n";

namespace {

constexpr double kMaxSeconds = 365.0 * 24 * 3600;

void check_topic(std::string_view option, const std::string& topic_template) {
    if (topic_template.find_first_of("+#") != std::string::npos) {
        throw UsageError{"--" + std::string{option} + " must not contain the wildcards + or #"};
    }
    if (topic_template.find('\0') != std::string::npos) {
        throw UsageError{"--" + std::string{option} + " must not contain a NUL character"};
    }
}

std::uint8_t parse_protocol(const std::string& text) {
    if (text == "3.1.1") return 4;
    if (text == "5" || text == "5.0") return 5;
    throw UsageError{"--protocol must be 3.1.1 or 5, not \"" + text + "\""};
}

KillMode parse_kill_mode(const std::string& text) {
    if (text == "close") return KillMode::Close;
    if (text == "reset") return KillMode::Reset;
    throw UsageError{"--kill-mode must be close or reset, not \"" + text + "\""};
}

}  // namespace

SimSettings parse_settings(mqtt_load::Options& options) {
    SimSettings s;
    s.host = options.text("host", s.host);
    s.port = static_cast<std::uint16_t>(options.integer("port", s.port, 1, 65535));
    s.devices = static_cast<std::size_t>(options.integer("devices", 100, 1, 1'000'000));
    s.client_prefix = options.text("client-prefix", s.client_prefix);
    s.protocol_level = parse_protocol(options.text("protocol", "3.1.1"));
    s.keep_alive_s = static_cast<std::uint16_t>(options.integer("keep-alive", 30, 0, 65535));
    s.connect_rate = options.number("connect-rate", s.connect_rate, 0.1, 1'000'000);

    s.will_topic = options.text("will-topic", s.will_topic);
    check_topic("will-topic", s.will_topic);
    s.will_payload = options.text("will-payload", s.will_payload);
    s.will_qos = static_cast<std::uint8_t>(options.integer("will-qos", 1, 0, 2));
    s.will_retain = options.flag("will-retain");
    s.birth = !options.flag("no-birth");

    s.rate = options.number("rate", s.rate, 0, 10'000);
    s.telemetry_topic = options.text("telemetry-topic", s.telemetry_topic);
    check_topic("telemetry-topic", s.telemetry_topic);
    s.qos = static_cast<std::uint8_t>(options.integer("qos", 0, 0, 1));

    s.kill_fraction = options.number("kill-fraction", s.kill_fraction, 0, 1);
    s.kill_interval_s = options.number("kill-interval", s.kill_interval_s, 0.01, kMaxSeconds);
    s.kill_mode = parse_kill_mode(options.text("kill-mode", "close"));
    s.reconnect_delay_s = options.number("reconnect-delay", s.reconnect_delay_s, 0, kMaxSeconds);
    s.seed = static_cast<std::uint64_t>(options.integer("seed", 0, 0, INT64_MAX));

    s.duration_s = options.number("duration", s.duration_s, 0, kMaxSeconds);
    s.status_interval_s = options.number("status-interval", s.status_interval_s, 0.1, kMaxSeconds);

    const std::string longest_id = client_id(s, s.devices - 1);
    for (const std::string* topic : {&s.will_topic, &s.telemetry_topic}) {
        if (expand_topic(*topic, longest_id).size() > 0xffff) {
            throw UsageError{"topic \"" + *topic + "\" is too long"};
        }
    }
    if (longest_id.size() > 0xffff) throw UsageError{"--client-prefix is too long"};
    if (s.will_payload.size() > 0xffff) throw UsageError{"--will-payload is too long"};
    s.address = mqtt_load::resolve_address(s.host, s.port);
    return s;
}

std::string client_id(const SimSettings& settings, std::size_t index) {
    const std::size_t width = std::max<std::size_t>(4, std::to_string(settings.devices).size());
    std::string number = std::to_string(index + 1);
    number.insert(0, width - number.size(), '0');
    return settings.client_prefix + number;
}

std::string expand_topic(std::string_view topic_template, std::string_view id) {
    constexpr std::string_view kPlaceholder = "{id}";
    std::string topic;
    topic.reserve(topic_template.size() + id.size());
    for (std::size_t at = 0;;) {
        const std::size_t found = topic_template.find(kPlaceholder, at);
        topic.append(topic_template.substr(at, found - at));
        if (found == std::string_view::npos) return topic;
        topic.append(id);
        at = found + kPlaceholder.size();
    }
}

}  // namespace wg::sim
