// Flow control: publishers wait for subscribers that cannot keep up, within a
// bounded stall, instead of their messages being dropped.
#include "tests/unit/core/broker_harness.h"

using namespace wg;
using namespace wg::test;
using namespace std::chrono_literals;
using codec::QoS;

namespace {

core::BrokerSettings small_limits() {
    core::BrokerSettings settings;
    settings.max_output_buffer = 1000;
    settings.max_inflight_messages = 2;
    settings.max_queued_messages = 10;
    settings.max_stall = 1s;
    return settings;
}

codec::Publish message(std::uint16_t id = 0, QoS qos = QoS::AtMostOnce) {
    return codec::Publish{"t", "payload", qos, false, false, id, {}};
}

}  // namespace

TEST_CASE("a publisher is paused while its QoS 0 subscriber's output is over the limit", "[unit][flow]") {
    BrokerHarness h(small_limits());
    auto subscriber = h.connect("sub");
    h.subscribe(*subscriber, "t", QoS::AtMostOnce);
    auto bystander = h.connect("bystander");
    auto publisher = h.connect("pub");

    publisher->send(message());
    CHECK_FALSE(publisher->link().paused());
    subscriber->link().set_pending_output(1500);  // above the limit, below the hard limit
    publisher->send(message());
    CHECK(publisher->link().paused());
    CHECK(subscriber->link().drain_watch());
    CHECK(subscriber->publishes().size() == 2);  // nothing was dropped
    CHECK_FALSE(bystander->link().paused());     // a client that publishes nothing there is not affected

    subscriber->link().set_pending_output(400);
    subscriber->drained();
    CHECK_FALSE(publisher->link().paused());
    CHECK(h.broker.stats().messages_dropped == 0);
}

TEST_CASE("a publisher is paused while its QoS 1 subscriber's queue is half full", "[unit][flow]") {
    BrokerHarness h(small_limits());
    auto subscriber = h.connect("sub");
    h.subscribe(*subscriber, "t", QoS::AtLeastOnce);
    auto publisher = h.connect("pub");
    for (std::uint16_t id = 1; id <= 7; ++id) publisher->send(message(id, QoS::AtLeastOnce));
    CHECK(publisher->link().paused());  // 2 in flight, 5 queued = half of 10
    // The subscriber acknowledges; once its queue is down to a quarter the publisher resumes.
    for (int round = 0; round < 4 && publisher->link().paused(); ++round)
        for (const auto& publish : subscriber->publishes()) subscriber->send(codec::Puback{publish.packet_id, {}, {}});
    CHECK_FALSE(publisher->link().paused());
    CHECK(h.broker.stats().messages_dropped == 0);
}

TEST_CASE("a stuck subscriber holds its publishers for at most max_stall", "[unit][flow]") {
    BrokerHarness h(small_limits());
    auto stuck = h.connect("stuck");
    h.subscribe(*stuck, "t", QoS::AtMostOnce);
    auto publisher = h.connect("pub");
    stuck->link().set_pending_output(1500);
    publisher->send(message());
    CHECK(publisher->link().paused());
    h.clock.advance(999ms);
    h.broker.tick();
    CHECK(publisher->link().paused());
    h.clock.advance(2ms);
    h.broker.tick();
    CHECK_FALSE(publisher->link().paused());
    // Marked slow: further messages do not pause the publisher again, and
    // beyond the hard limit they are dropped for that subscriber only.
    publisher->send(message());
    CHECK_FALSE(publisher->link().paused());
    stuck->link().set_pending_output(5000);
    publisher->send(message());
    CHECK(h.broker.stats().messages_dropped == 1);
}

TEST_CASE("a subscriber that goes offline releases the publishers it held", "[unit][flow]") {
    BrokerHarness h(small_limits());
    auto subscriber = h.connect("sub");
    h.subscribe(*subscriber, "t", QoS::AtMostOnce);
    auto publisher = h.connect("pub");
    subscriber->link().set_pending_output(1500);
    publisher->send(message());
    REQUIRE(publisher->link().paused());
    subscriber->drop();
    CHECK_FALSE(publisher->link().paused());
}
