// TEMPORARY: replaced when the liveness registry and the real BrokerStatusSource land.
#include "gateway/placeholder_ports.h"

#include <thread>

namespace wg::gateway {

std::int64_t PlaceholderLivenessReader::wait_for_change(std::int64_t, std::chrono::milliseconds timeout) {
    std::this_thread::sleep_for(timeout);
    return 0;
}

broker::BrokerStatus PlaceholderStatusSource::status() const {
    broker::BrokerStatus status;
    status.version = version_;
    status.started_ms = started_ms_;
    status.updated_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    return status;
}

}  // namespace wg::gateway
