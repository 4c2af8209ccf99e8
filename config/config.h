// WillGate's configuration: plain, typed structs with the defaults built in.
//
// A Config is built once at start-up (config_loader.h, then validate.h) and then only read, so
// it may be shared between threads without locking. Every key is documented once, in the
// example file config/willgate.toml.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace wg::config {

struct Listener {
    std::string bind = "::";  // address to bind; "::" = all IPv6 and IPv4 addresses (dual stack), "0.0.0.0" = all IPv4
    std::uint16_t port = 1883;  // 0 = pick a free port (the log says which)
};

struct Limits {
    std::uint32_t max_packet_size = 1048576;  // bytes, whole packet; 1..268435460
    std::uint32_t max_connections = 50000;  // concurrent client connections; 0 = unlimited
    std::uint16_t max_inflight_messages = 20;  // unacknowledged QoS 1/2 messages sent to one client, 1..65535
    std::uint32_t max_queued_messages = 1000;  // QoS 1/2 messages queued per client beyond in-flight (also for offline persistent sessions); >= 1
    std::uint32_t max_output_buffer = 1048576;  // bytes waiting to be written to one client before its publishers are paused (flow control), >= 4096
    std::uint32_t connect_timeout = 10;  // seconds a new socket has to send CONNECT, 1..3600
    std::uint16_t max_topic_alias = 10;  // Topic Alias Maximum offered to MQTT 5 clients, 0..65535
    std::uint16_t max_keep_alive = 0;  // MQTT 5 Server Keep Alive cap in seconds; 0 = accept the client's
};

struct Logging {
    std::string level = "info";  // error | warning | info | debug
};

struct Storage {
    std::string data_dir = "/var/lib/willgate";
    // The SQLite database: relative to data_dir unless absolute.
    std::string database = "willgate.db";
    // "process-crash": a commit survives a crash or kill -9 of the gateway (no fsync per
    // commit); "power-loss": it also survives a power cut (fsync per commit); "none":
    // nothing is stored, everything lives in memory (as with Mosquitto's persistence false).
    std::string durability = "process-crash";
};

// The device liveness history: entries older than history_max_days, and the
// oldest beyond history_max_rows, are deleted.
struct Liveness {
    std::uint32_t history_max_days = 30;
    std::uint32_t history_max_rows = 100000;
};

struct Monitoring {
    std::uint32_t sys_interval = 10;  // seconds between $SYS/broker/... updates; 0 = none
};

// A dashboard user; password_hash comes from `willgate passwd`.
struct WebUser {
    std::string name;
    std::string password_hash;  // "pbkdf2-sha256$ITERATIONS$SALT$HASH"
};

struct Web {
    bool enabled = true;
    std::string bind = "127.0.0.1";  // IP address or "localhost"; without users it must be loopback
    std::uint16_t port = 8080;       // 0 = pick a free port (the log says which)
    std::vector<WebUser> users;      // none = no login (loopback only)
    std::string tls_cert;            // PEM certificate file; with tls_key: HTTPS
    std::string tls_key;             // PEM private key file
    std::uint32_t max_streams = 16;  // concurrent live event streams, 1..256
    bool public_metrics = false;     // /metrics without login even when users exist
};

// One rule of a bridge: local messages whose topic matches `local` go to the cloud under
// the topic `remote` makes of them.
struct ForwardRule {
    std::string local;                 // topic filter on the local broker ("sensors/+/temp", "site/#")
    std::string remote = "{topic}";    // {topic}: the whole local topic; {1}, {2}, ...: the levels the
                                       // wildcards of `local` matched, in order (# gives the rest, with '/')
    std::uint8_t qos = 1;              // the highest QoS used towards the cloud (0..2)
    bool retain = true;                // keep the message's RETAIN flag; false: always 0
};

// Cloud messages that come down to the local broker.
struct DownlinkRule {
    std::string remote;                // topic filter subscribed to on the cloud ("cmd/gw1/#")
    std::string local = "{topic}";     // local topic template: {topic}, {1}, {2}, ... as in ForwardRule
    std::uint8_t qos = 1;              // subscription QoS, and the highest QoS used locally
    bool retain = false;               // keep the cloud message's RETAIN flag
};

// Device online/offline changes as messages to the cloud.
struct BridgeLiveness {
    std::string topic;                 // template with {client_id}; "" = no liveness messages
    std::uint8_t qos = 1;
    bool retain = true;
};

// profile = "aws_iot": AWS IoT Core.
struct AwsIot {
    std::string thing_name;            // the gateway's thing (required); the default client id
    std::string shadow = "named";      // device liveness: "named" (a named shadow of thing_name per
                                       // device), "classic" (the classic shadow of a thing per device),
                                       // "none"
    std::string device_thing_prefix;   // "classic": a device's thing is this + its (escaped) client id
};

// profile = "huawei_iotda": a field device's telemetry as IoTDA sub-device properties.
struct HuaweiTelemetry {
    std::string local;                 // local topic filter
    std::string client_id = "{1}";     // the device's client id from the topic: {topic}, {1}, {2}, ...
    std::string service_id;            // the service of its product model (required)
};

// profile = "huawei_iotda": Huawei Cloud IoTDA, the gateway as an IoTDA gateway device.
struct HuaweiIotda {
    std::string device_id;             // the gateway's device id (required)
    std::string secret;                // its secret (required)
    bool check_timestamp = true;       // password sign type 1 (the platform checks the hour)
    std::string sub_device_id = "{client_id}";  // template: {client_id}, {gateway_id}; "" = table only
    std::map<std::string, std::string> sub_devices;  // client id -> sub-device id (wins over the template)
    std::vector<HuaweiTelemetry> telemetry;
    std::string command_topic = "devices/{client_id}/commands/{request_id}";
    std::string response_topic = "devices/{client_id}/commands/{request_id}/response";
};

// A connection to a cloud MQTT broker with its durable outbox.
struct Bridge {
    std::string name;                      // unique; names the outbox and the log lines
    std::string profile = "generic";       // "generic", "aws_iot", "huawei_iotda"
    AwsIot aws_iot;
    HuaweiIotda huawei_iotda;
    std::vector<std::string> addresses;    // "ssl://host:8883", "tcp://host:1883"; tried in turn
    std::string mqtt_version = "3.1.1";    // "3.1.1" or "5"
    std::string client_id;                 // "" = "willgate-" + name (aws_iot: thing_name; huawei_iotda:
                                           // computed)
    std::string username;
    std::string password;
    std::uint16_t keep_alive = 60;         // seconds; 0 = none
    bool clean_session = true;
    std::uint32_t session_expiry = 0;      // MQTT 5 Session Expiry Interval (seconds)
    std::string ca_file;                   // PEM CA certificates to trust; "" = the system's
    std::string cert_file;                 // PEM client certificate (with key_file)
    std::string key_file;                  // PEM private key of cert_file
    std::vector<std::string> alpn;         // TLS ALPN protocol names
    bool verify = true;                    // check the server's certificate and host name
    std::string will_topic;                // the gateway's own Will on the cloud connection; "" = none
    std::string will_payload;
    std::uint8_t will_qos = 1;
    bool will_retain = true;
    std::string birth_topic;               // published at each connect; "" = none
    std::string birth_payload;
    std::uint8_t birth_qos = 1;
    bool birth_retain = true;
    std::uint32_t reconnect_initial_ms = 500;   // retry delay floor; half the outage up to reconnect_max_ms, jitter
    std::uint32_t reconnect_max_ms = 10000;
    std::uint32_t max_inflight = 256;           // unacknowledged QoS 1/2 PUBLISH to the cloud
    std::uint32_t max_messages_per_second = 0;  // send rate limit (cloud quotas); 0 = none
    std::uint64_t max_bytes_per_second = 0;     // topic + payload bytes; 0 = none
    std::uint64_t outbox_max_messages = 1000000;   // beyond either bound the oldest messages are dropped
    std::uint64_t outbox_max_bytes = 104857600;    // topic + payload bytes
    std::vector<ForwardRule> forward;           // first matching rule wins
    std::vector<DownlinkRule> downlink;         // first matching rule wins
    BridgeLiveness liveness;                    // at least one forward rule, downlink rule or liveness topic
};

struct Config {
    std::vector<Listener> listeners{Listener{}};  // at least one
    Limits limits;
    Logging log;
    Storage storage;
    Liveness liveness;
    Monitoring monitoring;
    Web web;
    std::vector<Bridge> bridges;
    std::string source;  // file the config came from, "" for built-in defaults
};

// The built-in defaults: one listener on [::]:1883, source "".
inline Config default_config() { return Config{}; }

}  // namespace wg::config
