#include "local_broker/core/subscription_tree.h"

#include <algorithm>

namespace wg::core {
namespace {

constexpr std::string_view kSharePrefix = "$share/";

std::string_view level_at(std::string_view filter, std::size_t pos, std::size_t& next) {
    const std::size_t slash = filter.find('/', pos);
    if (slash == std::string_view::npos) {
        next = std::string_view::npos;
        return filter.substr(pos);
    }
    next = slash + 1;
    return filter.substr(pos, slash - pos);
}

template <typename Entries>
auto find_session(Entries& entries, Session* session) {
    return std::find_if(entries.begin(), entries.end(),
                        [session](const Subscriber& entry) { return entry.session == session; });
}

}  // namespace

std::optional<SharedFilter> parse_shared_filter(std::string_view filter) {
    if (filter.substr(0, kSharePrefix.size()) != kSharePrefix) return std::nullopt;
    const std::string_view rest = filter.substr(kSharePrefix.size());
    const std::size_t slash = rest.find('/');
    if (slash == std::string_view::npos) return SharedFilter{rest, {}};
    return SharedFilter{rest.substr(0, slash), rest.substr(slash + 1)};
}

SubscriptionTree::Node& SubscriptionTree::make_node(std::string_view filter) {
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
    return *node;
}

SubscriptionTree::Node* SubscriptionTree::find_node(std::string_view filter) {
    Node* node = &root_;
    std::size_t pos = 0;
    while (node && pos != kNoMoreLevels) {
        std::size_t next = 0;
        const std::string_view level = level_at(filter, pos, next);
        if (level == "+") {
            node = node->plus.get();
        } else if (level == "#") {
            node = node->hash.get();
        } else {
            auto it = node->children.find(level);
            node = it == node->children.end() ? nullptr : it->second.get();
        }
        pos = next;
    }
    return node;
}

bool SubscriptionTree::subscribe(std::string_view filter, Session* session, const SubscriptionOptions& options) {
    std::vector<Subscriber>* entries = nullptr;
    if (auto shared = parse_shared_filter(filter)) {
        Node& node = make_node(shared->filter);
        auto it = node.groups.find(shared->group);
        if (it == node.groups.end())
            it = node.groups.emplace(std::string(shared->group), SharedGroup{std::string(filter), {}, 0}).first;
        entries = &it->second.members;
    } else {
        entries = &make_node(filter).subscribers;
    }
    auto it = find_session(*entries, session);
    if (it != entries->end()) {
        it->options = options;
        return false;
    }
    entries->push_back(Subscriber{session, options});
    ++count_;
    return true;
}

bool SubscriptionTree::unsubscribe(std::string_view filter, Session* session) {
    const auto shared = parse_shared_filter(filter);
    const std::string_view plain = shared ? shared->filter : filter;
    const auto group = shared ? std::optional<std::string_view>(shared->group) : std::nullopt;
    if (!remove(root_, plain, 0, session, group)) return false;
    --count_;
    return true;
}

SharedGroup* SubscriptionTree::find_group(std::string_view share_name) {
    const auto shared = parse_shared_filter(share_name);
    if (!shared) return nullptr;
    Node* node = find_node(shared->filter);
    if (!node) return nullptr;
    auto it = node->groups.find(shared->group);
    return it == node->groups.end() ? nullptr : &it->second;
}

// Removes the subscription below `node` and prunes nodes left empty.
bool SubscriptionTree::remove(Node& node, std::string_view filter, std::size_t pos, Session* session,
                              std::optional<std::string_view> group) {
    if (pos == kNoMoreLevels) {
        if (!group) {
            auto it = find_session(node.subscribers, session);
            if (it == node.subscribers.end()) return false;
            node.subscribers.erase(it);
            return true;
        }
        auto group_it = node.groups.find(*group);
        if (group_it == node.groups.end()) return false;
        auto& members = group_it->second.members;
        auto it = find_session(members, session);
        if (it == members.end()) return false;
        members.erase(it);
        if (members.empty()) node.groups.erase(group_it);
        return true;
    }
    std::size_t next = 0;
    const std::string_view level = level_at(filter, pos, next);
    auto prune = [&](std::unique_ptr<Node>& child) {
        if (!child || !remove(*child, filter, next, session, group)) return false;
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
