#include "local_broker/core/sys_topics.h"

#include <algorithm>

namespace wg::core {

std::vector<std::pair<std::string, std::string>> sys_topics(const broker::BrokerStatus& status) {
    const auto n = [](std::uint64_t value) { return std::to_string(value); };
    const std::int64_t uptime_ms = std::max<std::int64_t>(status.updated_ms - status.started_ms, 0);
    return {
        {"$SYS/broker/version", "willgate version " + status.version},
        {"$SYS/broker/uptime", std::to_string(uptime_ms / 1000) + " seconds"},
        {"$SYS/broker/clients/connected", n(status.clients_connected)},
        {"$SYS/broker/clients/disconnected", n(status.clients_disconnected)},
        {"$SYS/broker/clients/total", n(status.clients_total)},
        {"$SYS/broker/subscriptions/count", n(status.subscriptions)},
        {"$SYS/broker/retained messages/count", n(status.retained_messages)},
        {"$SYS/broker/messages/received", n(status.messages_received)},
        {"$SYS/broker/messages/sent", n(status.messages_sent)},
        {"$SYS/broker/publish/messages/received", n(status.messages_received)},
        {"$SYS/broker/publish/messages/sent", n(status.messages_sent)},
        {"$SYS/broker/publish/messages/dropped", n(status.messages_dropped)},
        {"$SYS/broker/bytes/received", n(status.bytes_received)},
        {"$SYS/broker/bytes/sent", n(status.bytes_sent)},
        {"$SYS/broker/wills/published", n(status.wills_published)},
    };
}

}  // namespace wg::core
