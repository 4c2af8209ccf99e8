#include <catch2/catch.hpp>

#include "bridge/outbox_tap.h"
#include "common/manual_clock.h"

namespace {

using wg::broker::OutboxEntry;

class RecordingOutbox final : public wg::broker::OutboxWriter {
public:
    void outbox_append(const std::string& bridge, OutboxEntry entry) override {
        appended.emplace_back(bridge, std::move(entry));
    }
    std::uint64_t outbox_remove(const std::string&, std::vector<std::int64_t>) override { return 0; }
    std::uint64_t outbox_reject(const std::string&, std::int64_t, std::string) override { return 0; }
    wg::broker::OutboxTotals outbox_totals(const std::string&) const override { return {}; }
    std::vector<std::pair<std::string, OutboxEntry>> appended;
};

}  // namespace

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
