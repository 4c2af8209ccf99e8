#include <catch2/catch.hpp>

#include "bridge/forward_rules.h"
#include "bridge/topic_filter.h"
#include "bridge/topic_template.h"

using wg::bridge::ForwardRules;
using wg::bridge::ForwardRuleSettings;
using wg::bridge::match_filter;
using wg::bridge::TopicTemplate;
using Captures = std::vector<std::string>;

TEST_CASE("filters_match_topics_and_capture_the_wildcard_levels", "[unit][bridge]") {
    CHECK(match_filter("a/b", "a/b") == Captures{});
    CHECK_FALSE(match_filter("a/b", "a/c"));
    CHECK_FALSE(match_filter("a/b", "a/b/c"));
    CHECK_FALSE(match_filter("a/b/c", "a/b"));
    CHECK(match_filter("sensors/+/temp", "sensors/k1/temp") == Captures{"k1"});
    CHECK(match_filter("+/+", "x/y") == Captures{"x", "y"});
    CHECK(match_filter("+", "") == Captures{""});
    CHECK(match_filter("a/+", "a/") == Captures{""});
    CHECK(match_filter("site/#", "site/a/b") == Captures{"a/b"});
    CHECK(match_filter("site/#", "site") == Captures{""});
    CHECK(match_filter("#", "a/b/c") == Captures{"a/b/c"});
    CHECK(match_filter("+/x/#", "a/x/b/c") == Captures{"a", "b/c"});
    CHECK_FALSE(match_filter("+/x/#", "a/y/b"));
}

TEST_CASE("wildcards_at_the_start_do_not_match_dollar_topics", "[unit][bridge]") {
    CHECK_FALSE(match_filter("#", "$SYS/broker/uptime"));
    CHECK_FALSE(match_filter("+/broker/uptime", "$SYS/broker/uptime"));
    CHECK(match_filter("$SYS/#", "$SYS/broker/uptime") == Captures{"broker/uptime"});
}

TEST_CASE("templates_prefix_strip_and_reorder_levels", "[unit][bridge]") {
    CHECK(TopicTemplate{"{topic}"}.render("a/b", {}) == "a/b");
    CHECK(TopicTemplate{"cloud/site1/{topic}"}.render("a/b", {}) == "cloud/site1/a/b");
    CHECK(TopicTemplate{"{1}"}.render("site1/a/b", {"a/b"}) == "a/b");
    CHECK(TopicTemplate{"dt/{2}/{1}"}.render("x", {"k1", "temp"}) == "dt/temp/k1");
    CHECK(TopicTemplate{"{1}{1}"}.render("x", {"a"}) == "aa");
    CHECK(TopicTemplate{"plain"}.render("x", {"a"}) == "plain");
}

TEST_CASE("the_first_matching_rule_decides_topic_qos_and_retain", "[unit][bridge]") {
    const ForwardRules rules{{ForwardRuleSettings{"sensors/+/temp", "site1/{1}/t", 0, true},
                              ForwardRuleSettings{"sensors/#", "all/{1}", 1, false},
                              ForwardRuleSettings{"will/#", "{topic}", 2, true}}};
    const auto temp = rules.match("sensors/k1/temp", 1, true);
    REQUIRE(temp);
    CHECK(temp->topic == "site1/k1/t");
    CHECK(temp->qos == 0);  // capped
    CHECK(temp->retain);
    const auto other = rules.match("sensors/k1/hum", 1, true);
    REQUIRE(other);
    CHECK(other->topic == "all/k1/hum");
    CHECK(other->qos == 1);
    CHECK_FALSE(other->retain);  // retain off
    const auto will = rules.match("will/dev", 1, false);
    REQUIRE(will);
    CHECK(will->qos == 1);  // never above the message's own
    CHECK_FALSE(rules.match("other/x", 1, false));
}

TEST_CASE("a_rule_that_makes_an_empty_topic_forwards_nothing", "[unit][bridge]") {
    const ForwardRules rules{{ForwardRuleSettings{"site/#", "{1}", 1, true}}};
    CHECK_FALSE(rules.match("site", 1, false));
    CHECK(rules.match("site/a", 1, false)->topic == "a");
}
