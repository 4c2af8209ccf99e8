#include <algorithm>

#include <catch2/catch.hpp>

#include "local_broker/core/session.h"
#include "local_broker/core/subscription_tree.h"

using namespace wg;
using codec::QoS;

namespace {

std::vector<std::string> matching(core::SubscriptionTree& tree, std::string_view topic) {
    std::vector<std::string> ids;
    tree.match(
        topic, [&](const core::Subscriber& subscriber) { ids.push_back(subscriber.session->client_id); },
        [&](core::SharedGroup& group) { ids.push_back(group.share_name); });
    std::sort(ids.begin(), ids.end());
    return ids;
}

}  // namespace

TEST_CASE("subscription tree matches topics like the spec's examples", "[unit][topic]") {
    struct Row {
        const char* filter;
        const char* topic;
        bool matches;
    };
    const Row rows[] = {
        {"sport/tennis/player1/#", "sport/tennis/player1", true},
        {"sport/tennis/player1/#", "sport/tennis/player1/ranking", true},
        {"sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true},
        {"sport/#", "sport", true},
        {"#", "anything/at/all", true},
        {"sport/tennis/+", "sport/tennis/player1", true},
        {"sport/tennis/+", "sport/tennis/player1/ranking", false},
        {"sport/+", "sport", false},
        {"sport/+", "sport/", true},
        {"+/+", "/finance", true},
        {"/+", "/finance", true},
        {"+", "/finance", false},
        {"#", "$SYS/uptime", false},
        {"+/monitor/Clients", "$SYS/monitor/Clients", false},
        {"$SYS/#", "$SYS/monitor/Clients", true},
        {"$SYS/monitor/+", "$SYS/monitor/Clients", true},
        {"a//b", "a//b", true},
        {"a/+/b", "a//b", true},
        {"a/b", "a/b/c", false},
        {"a/b/c", "a/b", false},
    };
    for (const auto& row : rows) {
        INFO(row.filter << " vs " << row.topic);
        core::SubscriptionTree tree;
        core::Session session("s", 0);
        tree.subscribe(row.filter, &session, {QoS::AtMostOnce});
        CHECK(matching(tree, row.topic).size() == (row.matches ? 1u : 0u));
    }
}

TEST_CASE("subscription tree visits every matching subscription of every session", "[unit][topic]") {
    core::SubscriptionTree tree;
    core::Session a("a", 0), b("b", 0), c("c", 0);
    tree.subscribe("x/#", &a, {QoS::AtMostOnce});
    tree.subscribe("x/+", &a, {QoS::AtLeastOnce});
    tree.subscribe("x/y", &b, {QoS::ExactlyOnce});
    tree.subscribe("z", &c, {QoS::AtMostOnce});
    CHECK(matching(tree, "x/y") == std::vector<std::string>{"a", "a", "b"});
    CHECK(tree.subscription_count() == 4);
}

TEST_CASE("resubscribing replaces the QoS and unsubscribing prunes", "[unit][topic]") {
    core::SubscriptionTree tree;
    core::Session a("a", 0);
    CHECK(tree.subscribe("p/q", &a, {QoS::AtMostOnce}));
    CHECK_FALSE(tree.subscribe("p/q", &a, {QoS::ExactlyOnce}));
    QoS seen = QoS::AtMostOnce;
    tree.match("p/q", [&](const core::Subscriber& subscriber) { seen = subscriber.options.qos; },
               [](core::SharedGroup&) {});
    CHECK(seen == QoS::ExactlyOnce);
    CHECK(tree.unsubscribe("p/q", &a));
    CHECK_FALSE(tree.unsubscribe("p/q", &a));
    CHECK(matching(tree, "p/q").empty());
    CHECK(tree.subscription_count() == 0);
}

TEST_CASE("shared subscriptions are matched as one group per filter", "[unit][topic][shared]") {
    core::SubscriptionTree tree;
    core::Session a("a", 0), b("b", 0);
    CHECK(tree.subscribe("$share/g/x/+", &a, {QoS::AtLeastOnce}));
    CHECK(tree.subscribe("$share/g/x/+", &b, {QoS::AtMostOnce}));
    CHECK(tree.subscribe("$share/h/x/#", &a, {QoS::AtMostOnce}));
    CHECK(matching(tree, "x/1") == std::vector<std::string>{"$share/g/x/+", "$share/h/x/#"});
    core::SharedGroup* group = tree.find_group("$share/g/x/+");
    REQUIRE(group != nullptr);
    CHECK(group->members.size() == 2);
    CHECK(tree.unsubscribe("$share/g/x/+", &a));
    CHECK(tree.unsubscribe("$share/g/x/+", &b));
    CHECK(tree.find_group("$share/g/x/+") == nullptr);
    CHECK(matching(tree, "x/1") == std::vector<std::string>{"$share/h/x/#"});
}

TEST_CASE("shared filter names split into group and filter", "[unit][topic][shared]") {
    auto shared = core::parse_shared_filter("$share/group/a/b/#");
    REQUIRE(shared.has_value());
    CHECK(shared->group == "group");
    CHECK(shared->filter == "a/b/#");
    CHECK_FALSE(core::parse_shared_filter("a/$share/b").has_value());
    CHECK(core::parse_shared_filter("$share/only")->filter.empty());
}
