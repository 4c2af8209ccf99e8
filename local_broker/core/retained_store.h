#pragma once
// Retained messages, one per topic (spec 3.3.1.3). A retained message with an
// empty payload clears its topic.
//
// Threading: owned by the broker; event-loop thread only.

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include "local_broker/codec/topic.h"
#include "local_broker/core/message.h"

namespace wg::core {

class RetainedStore {
public:
    // Stores `message` as the retained message of its topic, or clears the topic
    // when the payload is empty.
    void set(const MessagePtr& message);

    // Calls visit(const MessagePtr&) for every retained message whose topic
    // matches `filter`.
    template <typename Visit>
    void for_each_match(std::string_view filter, Visit&& visit) const {
        if (filter.find_first_of("+#") == std::string_view::npos) {
            if (auto it = by_topic_.find(std::string(filter)); it != by_topic_.end()) visit(it->second);
            return;
        }
        for (const auto& [topic, message] : by_topic_)
            if (codec::topic_matches(filter, topic)) visit(message);
    }

    std::size_t size() const { return by_topic_.size(); }

private:
    std::unordered_map<std::string, MessagePtr> by_topic_;
};

}  // namespace wg::core
