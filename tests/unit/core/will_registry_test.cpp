#include <catch2/catch.hpp>

#include "common/manual_clock.h"
#include "local_broker/core/will_registry.h"

using namespace wg;
using namespace std::chrono_literals;

namespace {
codec::Will will(std::string payload) { return codec::Will{"will/x", std::move(payload), codec::QoS::AtLeastOnce, false}; }
}  // namespace

TEST_CASE("a released will without delay is due at once and only once", "[unit][will]") {
    ManualClock clock;
    core::WillRegistry registry;
    registry.hold("dev", will("a"), 0s);
    CHECK(registry.holds("dev"));
    CHECK(registry.release("dev", clock.now()));
    auto due = registry.take_due(clock.now());
    REQUIRE(due.size() == 1);
    CHECK(due[0].client_id == "dev");
    CHECK(due[0].will.payload == "a");
    CHECK(registry.take_due(clock.now() + 1h).empty());
    CHECK_FALSE(registry.release("dev", clock.now()));
}

TEST_CASE("a discarded will is never due", "[unit][will]") {
    ManualClock clock;
    core::WillRegistry registry;
    registry.hold("dev", will("a"), 0s);
    CHECK(registry.discard("dev"));
    CHECK_FALSE(registry.release("dev", clock.now()));
    CHECK(registry.take_due(clock.now() + 1h).empty());
}

TEST_CASE("a delayed will waits for its delay and a reconnect cancels it", "[unit][will]") {
    ManualClock clock;
    core::WillRegistry registry;
    registry.hold("a", will("a"), 10s);
    registry.hold("b", will("b"), 10s);
    registry.release("a", clock.now());
    registry.release("b", clock.now());
    clock.advance(9s);
    CHECK(registry.take_due(clock.now()).empty());
    CHECK(registry.cancel_pending("b"));
    clock.advance(1s);
    auto due = registry.take_due(clock.now());
    REQUIRE(due.size() == 1);
    CHECK(due[0].client_id == "a");
    CHECK_FALSE(registry.next_due().has_value());
}

TEST_CASE("holding a new will replaces the old one", "[unit][will]") {
    ManualClock clock;
    core::WillRegistry registry;
    registry.hold("dev", will("old"), 0s);
    registry.hold("dev", will("new"), 0s);
    CHECK(registry.held_count() == 1);
    registry.release("dev", clock.now());
    auto due = registry.take_due(clock.now());
    REQUIRE(due.size() == 1);
    CHECK(due[0].will.payload == "new");
}

TEST_CASE("due wills come out earliest first", "[unit][will]") {
    ManualClock clock;
    core::WillRegistry registry;
    registry.hold("late", will("late"), 20s);
    registry.hold("early", will("early"), 5s);
    registry.release("late", clock.now());
    registry.release("early", clock.now());
    REQUIRE(registry.next_due() == clock.now() + 5s);
    auto due = registry.take_due(clock.now() + 30s);
    REQUIRE(due.size() == 2);
    CHECK(due[0].client_id == "early");
    CHECK(due[1].client_id == "late");
}
