#include <catch2/catch.hpp>

#include "bridge/rate_limiter.h"

using wg::bridge::RateLimiter;
using namespace std::chrono_literals;

namespace {

// How many messages of `bytes` go within `span`, sending whenever allowed.
int sent_within(RateLimiter& limiter, std::uint64_t bytes, std::chrono::milliseconds span) {
    RateLimiter::Time now = RateLimiter::Time{} + 1h;
    const RateLimiter::Time end = now + span;
    int sent = 0;
    while (now < end) {
        const auto delay = limiter.wait(bytes, now);
        if (delay == RateLimiter::Duration::zero()) {
            limiter.spend(bytes);
            ++sent;
        } else {
            now += delay;
        }
    }
    return sent;
}

}  // namespace

TEST_CASE("no_limit_never_waits", "[unit][bridge]") {
    RateLimiter limiter{0, 0};
    CHECK_FALSE(limiter.limited());
    CHECK(limiter.wait(1 << 20, RateLimiter::Time{} + 1s) == RateLimiter::Duration::zero());
}

TEST_CASE("a_message_rate_allows_a_one_second_burst_then_the_rate", "[unit][bridge]") {
    RateLimiter limiter{100, 0};
    // 100 at once, then 100 per second: 10 s give 100 + 1000 (give or take the last one).
    const int sent = sent_within(limiter, 10, 10s);
    CHECK(sent >= 1099);
    CHECK(sent <= 1101);
}

TEST_CASE("a_byte_rate_shapes_by_size", "[unit][bridge]") {
    RateLimiter limiter{0, 512 * 1024};
    // 1 KiB messages at 512 KiB/s: 512 in the burst, then 512 per second.
    const int sent = sent_within(limiter, 1024, 4s);
    CHECK(sent >= 512 * 5 - 1);
    CHECK(sent <= 512 * 5 + 1);
}

TEST_CASE("the_tighter_limit_wins", "[unit][bridge]") {
    RateLimiter limiter{50, 1000};
    // 100-byte messages: the byte limit allows 10/s, the message limit 50/s.
    const int sent = sent_within(limiter, 100, 10s);
    CHECK(sent >= 10 + 100 - 1);
    CHECK(sent <= 10 + 100 + 1);
}

TEST_CASE("a_message_bigger_than_a_second_of_bytes_still_goes", "[unit][bridge]") {
    RateLimiter limiter{0, 1000};
    const RateLimiter::Time start = RateLimiter::Time{} + 1h;
    CHECK(limiter.wait(5000, start) == RateLimiter::Duration::zero());
    limiter.spend(5000);
    // The bucket is 4000 in debt: the next message waits until it has refilled.
    const auto delay = limiter.wait(10, start);
    CHECK(delay >= 4s);
    CHECK(delay <= 4011ms);
}
