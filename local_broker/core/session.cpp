#include "local_broker/core/session.h"

#include <algorithm>

namespace wg::core {

std::uint16_t Session::allocate_packet_id() {
    // At most 65535 messages are in flight (the settings cap it), so a free id exists.
    for (;;) {
        last_packet_id_ = static_cast<std::uint16_t>(last_packet_id_ == 65535 ? 1 : last_packet_id_ + 1);
        if (!find_inflight(last_packet_id_)) return last_packet_id_;
    }
}

InflightMessage* Session::find_inflight(std::uint16_t packet_id) {
    // Acknowledgements mostly arrive in order, so the oldest entries are checked first.
    auto it = std::find_if(inflight.begin(), inflight.end(),
                           [packet_id](const InflightMessage& m) { return m.packet_id == packet_id; });
    return it == inflight.end() ? nullptr : &*it;
}

bool Session::erase_inflight(std::uint16_t packet_id) {
    auto it = std::find_if(inflight.begin(), inflight.end(),
                           [packet_id](const InflightMessage& m) { return m.packet_id == packet_id; });
    if (it == inflight.end()) return false;
    inflight.erase(it);
    return true;
}

}  // namespace wg::core
