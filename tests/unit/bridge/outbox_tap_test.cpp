#include <catch2/catch.hpp>

#include "bridge/outbox_tap.h"
#include "common/manual_clock.h"
#include "recording_outbox.h"

using wg::test::RecordingOutbox;

TEST_CASE("the_tap_keeps_what_a_rule_matches_mapped_and_stamped", "[unit][bridge]") {
    RecordingOutbox outbox;
    wg::ManualClock clock;
    clock.advance(std::chrono::milliseconds{1500});
    wg::bridge::OutboxTap tap{"cloud",
                              wg::bridge::ForwardRules{{{"sensors/+/temp", "site1/{1}", 1, false}}},
                              outbox, clock};
    const std::string topic = "sensors/k1/temp";
    const std::string payload = "21.5";
    CHECK(tap.offer({topic, payload, 2, true, false}));
    const std::string other = "local/x";
    CHECK_FALSE(tap.offer({other, payload, 1, false, false}));
    REQUIRE(outbox.appended.size() == 1);
    const auto& [bridge, entry] = outbox.appended[0];
    CHECK(bridge == "cloud");
    CHECK(entry.topic == "site1/k1");
    CHECK(entry.payload == "21.5");
    CHECK(entry.qos == 1);
    CHECK_FALSE(entry.retain);
    CHECK(entry.queued_ms ==
          std::chrono::duration_cast<std::chrono::milliseconds>(wg::ManualClock::kWallOrigin.time_since_epoch()).count() +
              1500);
    CHECK(tap.queued() == 1);
}
