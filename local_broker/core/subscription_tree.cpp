#include "local_broker/core/subscription_tree.h"

#include <algorithm>

namespace wg::core {
namespace {

std::string_view level_at(std::string_view filter, std::size_t pos, std::size_t& next) {
    const std::size_t slash = filter.find('/', pos);
    if (slash == std::string_view::npos) {
        next = std::string_view::npos;
        return filter.substr(pos);
    }
    next = slash + 1;
    return filter.substr(pos, slash - pos);
}

}  // namespace

bool SubscriptionTree::subscribe(std::string_view filter, Session* session, codec::QoS qos) {
    Node* node = &root_;
    std::size_t pos = 0;
    while (pos != kNoMoreLevels) {
        std::size_t next = 0;
        const std::string_view level = level_at(filter, pos, next);
        std::unique_ptr<Node>* child = nullptr;
        if (level == "+") {
            child = &node->plus;
        } else if (level == "#") {
            child = &node->hash;
        } else {
            auto it = node->children.find(level);
            if (it == node->children.end()) it = node->children.emplace(std::string(level), nullptr).first;
            child = &it->second;
        }
        if (!*child) *child = std::make_unique<Node>();
        node = child->get();
        pos = next;
    }
    auto it = std::find_if(node->subscribers.begin(), node->subscribers.end(),
                           [session](const auto& entry) { return entry.first == session; });
    if (it != node->subscribers.end()) {
        it->second = qos;
        return false;
    }
    node->subscribers.emplace_back(session, qos);
    ++count_;
    return true;
}

bool SubscriptionTree::unsubscribe(std::string_view filter, Session* session) {
    if (!remove(root_, filter, 0, session)) return false;
    --count_;
    return true;
}

// Removes the subscription below `node` and prunes nodes left empty.
bool SubscriptionTree::remove(Node& node, std::string_view filter, std::size_t pos, Session* session) {
    if (pos == kNoMoreLevels) {
        auto it = std::find_if(node.subscribers.begin(), node.subscribers.end(),
                               [session](const auto& entry) { return entry.first == session; });
        if (it == node.subscribers.end()) return false;
        node.subscribers.erase(it);
        return true;
    }
    std::size_t next = 0;
    const std::string_view level = level_at(filter, pos, next);
    auto prune = [&](std::unique_ptr<Node>& child) {
        if (!child || !remove(*child, filter, next, session)) return false;
        if (child->empty()) child.reset();
        return true;
    };
    if (level == "+") return prune(node.plus);
    if (level == "#") return prune(node.hash);
    auto it = node.children.find(level);
    if (it == node.children.end() || !prune(it->second)) return false;
    if (!it->second) node.children.erase(it);
    return true;
}

}  // namespace wg::core
