#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include "bridge/liveness_feed.h"
#include "common/manual_clock.h"
#include "recording_outbox.h"

using wg::bridge::GenericLivenessFormat;
using wg::bridge::LivenessFeed;
using wg::bridge::LivenessSettings;
using wg::liveness::Transition;
using wg::test::RecordingOutbox;

namespace {

// A change stream in memory.
class FakeLiveness final : public wg::liveness::LivenessReader {
public:
    std::vector<wg::liveness::DeviceStatus> devices() override { return {}; }
    std::optional<wg::liveness::DeviceStatus> device(const std::string& client_id) override {
        const auto it = statuses.find(client_id);
        if (it == statuses.end()) return std::nullopt;
        return it->second;
    }
    std::vector<Transition> history(const std::string&, std::int64_t) override { return {}; }
    std::vector<Transition> changes_after(std::int64_t after, std::size_t max) override {
        std::vector<Transition> found;
        for (const Transition& change : changes)
            if (change.sequence > after && found.size() < max) found.push_back(change);
        return found;
    }
    std::int64_t last_sequence() override { return changes.empty() ? 0 : changes.back().sequence; }
    std::int64_t wait_for_change(std::int64_t, std::chrono::milliseconds) override { return last_sequence(); }
    bool forget(const std::string&) override { return false; }

    void add(std::string client_id, bool online, std::string cause = {}) {
        Transition change;
        change.sequence = static_cast<std::int64_t>(changes.size()) + 1;
        change.client_id = std::move(client_id);
        change.at_ms = 1767268800000 + change.sequence;
        change.online = online;
        change.cause = std::move(cause);
        change.peer = "127.0.0.1:5000";
        changes.push_back(change);
    }

    std::vector<Transition> changes;
    std::map<std::string, wg::liveness::DeviceStatus> statuses;
};

std::unique_ptr<GenericLivenessFormat> format(std::string topic = "gw/{client_id}/status") {
    return std::make_unique<GenericLivenessFormat>(LivenessSettings{std::move(topic), 1, true});
}

}  // namespace

TEST_CASE("liveness_changes_become_outbox_messages_followed_by_the_cursor", "[unit][bridge]") {
    FakeLiveness liveness;
    RecordingOutbox outbox;
    wg::ManualClock clock;
    LivenessFeed feed{"cloud", liveness, format(), outbox, clock};
    feed.set_cursor(0);
    liveness.add("meter/1", true);
    liveness.add("meter/1", false, "keep-alive-timeout");
    CHECK(feed.forward_changes() == 2);
    REQUIRE(outbox.appended.size() == 2);
    CHECK(outbox.appended[0].first == "cloud");
    CHECK(outbox.appended[0].second.topic == "gw/meter%2F1/status");
    CHECK(outbox.appended[0].second.retain);
    CHECK(outbox.appended[0].second.payload.find("\"online\":true") != std::string::npos);
    CHECK(outbox.appended[1].second.payload.find("\"cause\":\"keep-alive-timeout\"") != std::string::npos);
    CHECK(outbox.appended[1].second.payload.find("\"since_ms\":1767268800002") != std::string::npos);
    REQUIRE_FALSE(outbox.cursors.empty());
    CHECK(outbox.cursors.back() == std::pair<std::string, std::int64_t>{"cloud", 2});
    CHECK(feed.forward_changes() == 0);  // nothing new: nothing sent again
    CHECK(outbox.appended.size() == 2);
}

TEST_CASE("liveness_feed_goes_on_from_the_stored_cursor", "[unit][bridge]") {
    FakeLiveness liveness;
    RecordingOutbox outbox;
    wg::ManualClock clock;
    for (int i = 0; i < 5; ++i) liveness.add("d" + std::to_string(i), i % 2 == 0);
    LivenessFeed feed{"cloud", liveness, format(), outbox, clock};
    feed.set_cursor(3);
    CHECK(feed.forward_changes() == 2);
    REQUIRE(outbox.appended.size() == 2);
    CHECK(outbox.appended[0].second.topic == "gw/d3/status");
}

TEST_CASE("a_new_liveness_feed_starts_at_the_newest_change_and_stores_that", "[unit][bridge]") {
    FakeLiveness liveness;
    RecordingOutbox outbox;
    wg::ManualClock clock;
    for (int i = 0; i < 4; ++i) liveness.add("old" + std::to_string(i), true);
    LivenessFeed feed{"cloud", liveness, format(), outbox, clock};
    feed.set_cursor(std::nullopt);
    CHECK(feed.cursor() == 4);
    REQUIRE(outbox.cursors.size() == 1);
    CHECK(outbox.cursors[0].second == 4);
    CHECK(feed.forward_changes() == 0);
    liveness.add("new", true);
    CHECK(feed.forward_changes() == 1);
    CHECK(outbox.appended.at(0).second.topic == "gw/new/status");
}

TEST_CASE("a_long_history_is_read_in_batches", "[unit][bridge]") {
    FakeLiveness liveness;
    RecordingOutbox outbox;
    wg::ManualClock clock;
    for (int i = 0; i < 600; ++i) liveness.add("d" + std::to_string(i), true);
    LivenessFeed feed{"cloud", liveness, format("all/devices"), outbox, clock};
    feed.set_cursor(0);
    CHECK(feed.forward_changes() == 600);
    CHECK(outbox.appended.size() == 600);
    CHECK(outbox.cursors.size() == 3);  // one per batch of 256
    CHECK(outbox.cursors.back().second == 600);
    CHECK(outbox.appended.back().second.topic == "all/devices");
}

TEST_CASE("a_device_s_current_state_can_be_sent_again", "[unit][bridge]") {
    FakeLiveness liveness;
    RecordingOutbox outbox;
    wg::ManualClock clock;
    wg::liveness::DeviceStatus status;
    status.client_id = "meter-1";
    status.online = false;
    status.since_ms = 1767268800123;
    status.last_cause = "keep-alive-timeout";
    liveness.statuses["meter-1"] = status;
    LivenessFeed feed{"cloud", liveness, format(), outbox, clock};
    CHECK(feed.resend("meter-1"));
    REQUIRE(outbox.appended.size() == 1);
    CHECK(outbox.appended[0].second.topic == "gw/meter-1/status");
    CHECK(outbox.appended[0].second.payload.find("\"cause\":\"keep-alive-timeout\"") != std::string::npos);
    CHECK(outbox.appended[0].second.payload.find("\"since_ms\":1767268800123") != std::string::npos);
    CHECK_FALSE(feed.resend("unknown"));
    CHECK(outbox.appended.size() == 1);
}
