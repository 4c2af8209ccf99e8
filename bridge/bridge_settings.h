#pragma once
// What one bridge needs to know (the gateway fills it from config::Bridge).

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "bridge/downlink_rules.h"
#include "bridge/forward_rules.h"
#include "bridge/liveness_format.h"
#include "willgate/outbox.h"

namespace wg::bridge {

struct CloudMessage {
    std::string topic;  // empty: none
    std::string payload;
    std::uint8_t qos = 1;
    bool retain = true;
};

struct BridgeSettings {
    std::string name;
    std::vector<std::string> addresses;  // tried in turn at each attempt
    bool mqtt5 = false;
    std::string client_id;
    std::string username;
    std::string password;
    std::chrono::seconds keep_alive{60};
    bool clean_session = true;
    std::uint32_t session_expiry = 0;  // MQTT 5 Session Expiry Interval, seconds
    std::string ca_file;
    std::string cert_file;
    std::string key_file;
    std::vector<std::string> alpn;
    bool verify = true;
    CloudMessage will;   // the gateway's Will on the cloud connection
    CloudMessage birth;  // published at each connect
    std::chrono::milliseconds reconnect_initial{500};
    std::chrono::milliseconds reconnect_max{10000};
    std::size_t max_inflight = 256;
    std::uint32_t max_messages_per_second = 0;  // 0: no limit
    std::uint64_t max_bytes_per_second = 0;     // topic + payload; 0: no limit
    broker::OutboxBounds outbox;
    std::vector<ForwardRuleSettings> forward;
    std::vector<DownlinkRuleSettings> downlink;
    LivenessSettings liveness;
    std::chrono::seconds status_log_interval{60};
};

}  // namespace wg::bridge
