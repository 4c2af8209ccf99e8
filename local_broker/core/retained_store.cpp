#include "local_broker/core/retained_store.h"

namespace wg::core {

void RetainedStore::set(const MessagePtr& message) {
    if (message->payload.empty()) {
        by_topic_.erase(message->topic);
        return;
    }
    by_topic_.insert_or_assign(message->topic, message);
}

}  // namespace wg::core
