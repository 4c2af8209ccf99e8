#pragma once
// The subscription tree: topic filters split into levels, each node holding the
// sessions subscribed to the filter that ends there, and the shared
// subscription groups ($share/{group}/{filter}) on that filter. Matching a topic
// walks the tree once, following exact levels, '+' and '#', without allocating.
//
// Threading: owned by the broker; event-loop thread only.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "local_broker/codec/packet.h"

namespace wg::core {

struct Session;

struct SubscriptionOptions {
    codec::QoS qos = codec::QoS::AtMostOnce;
    bool no_local = false;
    bool retain_as_published = false;
    std::uint32_t subscription_identifier = 0;  // 0 = none
};

struct Subscriber {
    Session* session = nullptr;
    SubscriptionOptions options;
};

// The members of one shared subscription; each message goes to one of them.
struct SharedGroup {
    std::string share_name;  // the full "$share/{group}/{filter}", as subscribed
    std::vector<Subscriber> members;
    std::size_t next = 0;  // round robin position
};

// "$share/{group}/{filter}" split into its parts; nullopt for a plain filter.
struct SharedFilter {
    std::string_view group;
    std::string_view filter;
};
std::optional<SharedFilter> parse_shared_filter(std::string_view filter);

class SubscriptionTree {
public:
    // Adds `session`'s subscription to `filter` (plain or "$share/..."), or
    // replaces its options. `filter` must be valid. Returns true when new.
    bool subscribe(std::string_view filter, Session* session, const SubscriptionOptions& options);

    // Removes it. Returns true if `session` was subscribed to `filter`.
    bool unsubscribe(std::string_view filter, Session* session);

    // Calls on_subscriber(const Subscriber&) for every plain subscription whose
    // filter matches `topic` (a session with several matching filters is visited
    // once per filter; callers fold them, MQTT-3.3.5-1), and on_group(SharedGroup&)
    // once for every shared group whose filter matches.
    template <typename OnSubscriber, typename OnGroup>
    void match(std::string_view topic, OnSubscriber&& on_subscriber, OnGroup&& on_group) {
        match_from(root_, topic, 0, true, on_subscriber, on_group);
    }

    // The group subscribed as `share_name` ("$share/{group}/{filter}"), if any.
    SharedGroup* find_group(std::string_view share_name);

    std::size_t subscription_count() const { return count_; }

private:
    struct Node {
        std::map<std::string, std::unique_ptr<Node>, std::less<>> children;
        std::unique_ptr<Node> plus;  // '+'
        std::unique_ptr<Node> hash;  // '#'
        std::vector<Subscriber> subscribers;
        std::map<std::string, SharedGroup, std::less<>> groups;  // by group name

        bool empty() const {
            return children.empty() && !plus && !hash && subscribers.empty() && groups.empty();
        }
    };

    static constexpr std::size_t kNoMoreLevels = std::string_view::npos;

    template <typename OnSubscriber, typename OnGroup>
    static void visit_node(Node& node, OnSubscriber& on_subscriber, OnGroup& on_group) {
        for (const auto& subscriber : node.subscribers) on_subscriber(subscriber);
        for (auto& entry : node.groups) on_group(entry.second);
    }

    // `pos` is where the next topic level starts, or kNoMoreLevels.
    template <typename OnSubscriber, typename OnGroup>
    static void match_from(Node& node, std::string_view topic, std::size_t pos, bool first,
                           OnSubscriber& on_subscriber, OnGroup& on_group) {
        if (pos == kNoMoreLevels) {
            visit_node(node, on_subscriber, on_group);
            if (node.hash) visit_node(*node.hash, on_subscriber, on_group);  // "a/#" matches "a"
            return;
        }
        const std::size_t slash = topic.find('/', pos);
        const std::string_view level =
            topic.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
        const std::size_t next = slash == std::string_view::npos ? kNoMoreLevels : slash + 1;
        // Topics starting with '$' are not matched by a leading wildcard (4.7.2).
        const bool dollar = first && !level.empty() && level.front() == '$';
        if (node.hash && !dollar) visit_node(*node.hash, on_subscriber, on_group);
        if (node.plus && !dollar) match_from(*node.plus, topic, next, false, on_subscriber, on_group);
        if (auto it = node.children.find(level); it != node.children.end())
            match_from(*it->second, topic, next, false, on_subscriber, on_group);
    }

    Node* find_node(std::string_view filter);
    Node& make_node(std::string_view filter);
    static bool remove(Node& node, std::string_view filter, std::size_t pos, Session* session,
                       std::optional<std::string_view> group);

    Node root_;
    std::size_t count_ = 0;
};

}  // namespace wg::core
