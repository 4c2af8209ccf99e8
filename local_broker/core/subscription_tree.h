#pragma once
// The subscription tree: topic filters split into levels, each node holding the
// sessions subscribed to the filter that ends there. Matching a topic walks the
// tree once, following exact levels, '+' and '#', without allocating.
//
// Threading: owned by the broker; event-loop thread only.

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "local_broker/codec/packet.h"

namespace wg::core {

struct Session;

class SubscriptionTree {
public:
    // Adds `session` to `filter` with `qos`, or updates its QoS. `filter` must
    // be valid. Returns true when the subscription is new.
    bool subscribe(std::string_view filter, Session* session, codec::QoS qos);

    // Removes `session` from `filter`. Returns true if it was subscribed.
    bool unsubscribe(std::string_view filter, Session* session);

    // Calls visit(Session*, codec::QoS) for every subscription whose filter
    // matches `topic`. A session with several matching filters is visited once
    // per filter; callers fold them (MQTT-3.3.5-1).
    template <typename Visit>
    void match(std::string_view topic, Visit&& visit) const {
        match_from(root_, topic, 0, true, visit);
    }

    std::size_t subscription_count() const { return count_; }

private:
    struct Node {
        std::map<std::string, std::unique_ptr<Node>, std::less<>> children;
        std::unique_ptr<Node> plus;  // '+'
        std::unique_ptr<Node> hash;  // '#'
        std::vector<std::pair<Session*, codec::QoS>> subscribers;

        bool empty() const { return children.empty() && !plus && !hash && subscribers.empty(); }
    };

    static constexpr std::size_t kNoMoreLevels = std::string_view::npos;

    template <typename Visit>
    static void visit_all(const Node& node, Visit& visit) {
        for (const auto& [session, qos] : node.subscribers) visit(session, qos);
    }

    // `pos` is where the next topic level starts, or kNoMoreLevels.
    template <typename Visit>
    static void match_from(const Node& node, std::string_view topic, std::size_t pos, bool first,
                           Visit& visit) {
        if (pos == kNoMoreLevels) {
            visit_all(node, visit);
            if (node.hash) visit_all(*node.hash, visit);  // "a/#" matches "a"
            return;
        }
        const std::size_t slash = topic.find('/', pos);
        const std::string_view level =
            topic.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
        const std::size_t next = slash == std::string_view::npos ? kNoMoreLevels : slash + 1;
        // Topics starting with '$' are not matched by a leading wildcard (4.7.2).
        const bool dollar = first && !level.empty() && level.front() == '$';
        if (node.hash && !dollar) visit_all(*node.hash, visit);
        if (node.plus && !dollar) match_from(*node.plus, topic, next, false, visit);
        if (auto it = node.children.find(level); it != node.children.end())
            match_from(*it->second, topic, next, false, visit);
    }

    static bool remove(Node& node, std::string_view filter, std::size_t pos, Session* session);

    Node root_;
    std::size_t count_ = 0;
};

}  // namespace wg::core
