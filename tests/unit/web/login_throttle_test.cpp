#include <catch2/catch.hpp>

#include <string>

#include "common/manual_clock.h"
#include "web/login_throttle.h"
#include "web/session_store.h"

using namespace std::chrono_literals;
using wg::ManualClock;
using wg::web::LoginThrottle;
using wg::web::SessionStore;

TEST_CASE("throttle_locks_after_five_failures_for_doubling_periods", "[unit][web]") {
    ManualClock clock;
    LoginThrottle throttle{clock};
    for (int i = 0; i < 4; ++i) {
        throttle.record_failure("peer:1.2.3.4");
        CHECK(throttle.retry_after("peer:1.2.3.4") == 0s);
    }
    throttle.record_failure("peer:1.2.3.4");  // the fifth
    CHECK(throttle.retry_after("peer:1.2.3.4") == 1s);
    CHECK(throttle.retry_after("peer:5.6.7.8") == 0s);  // other keys are not affected
    clock.advance(1s);
    CHECK(throttle.retry_after("peer:1.2.3.4") == 0s);
    throttle.record_failure("peer:1.2.3.4");
    CHECK(throttle.retry_after("peer:1.2.3.4") == 2s);
    clock.advance(2s);
    throttle.record_failure("peer:1.2.3.4");
    CHECK(throttle.retry_after("peer:1.2.3.4") == 4s);
    clock.advance(1500ms);
    CHECK(throttle.retry_after("peer:1.2.3.4") == 3s);  // rounded up
}

TEST_CASE("throttle_lock_is_capped_and_cleared_by_success", "[unit][web]") {
    ManualClock clock;
    LoginThrottle throttle{clock};
    for (int i = 0; i < 40; ++i) {
        throttle.record_failure("user:admin");
    }
    CHECK(throttle.retry_after("user:admin") == LoginThrottle::kMaxLock);
    throttle.record_success("user:admin");
    CHECK(throttle.retry_after("user:admin") == 0s);
    CHECK(throttle.size() == 0);
}

TEST_CASE("throttle_forgets_old_failures", "[unit][web]") {
    ManualClock clock;
    LoginThrottle throttle{clock};
    for (int i = 0; i < 4; ++i) {
        throttle.record_failure("k");
    }
    clock.advance(LoginThrottle::kForget + 1s);
    throttle.record_failure("k");  // counts as the first again
    CHECK(throttle.retry_after("k") == 0s);
}

TEST_CASE("throttle_table_is_bounded", "[unit][web]") {
    ManualClock clock;
    LoginThrottle throttle{clock, 100};
    for (int i = 0; i < 10000; ++i) {
        throttle.record_failure("peer:" + std::to_string(i));
        clock.advance(1ms);
    }
    CHECK(throttle.size() <= 100);
    // The newest keys are kept.
    for (int i = 0; i < 4; ++i) {
        throttle.record_failure("peer:9999");
    }
    CHECK(throttle.retry_after("peer:9999") > 0s);
}

TEST_CASE("sessions_expire_when_idle_and_are_bounded", "[unit][web]") {
    ManualClock clock;
    SessionStore store{clock, 3};
    const auto a = store.create("alice");
    CHECK(a.id.size() == 43);  // 32 bytes, URL-safe Base64
    CHECK(a.csrf_token.size() == 43);
    CHECK(a.id != a.csrf_token);
    REQUIRE(store.find(a.id));
    CHECK(store.find(a.id)->user == "alice");
    CHECK_FALSE(store.find("forged"));
    CHECK_FALSE(store.find(""));

    clock.advance(SessionStore::kIdleTimeout - 1s);
    CHECK(store.find(a.id));  // used: the idle time starts again
    clock.advance(SessionStore::kIdleTimeout - 1s);
    CHECK(store.find(a.id));
    clock.advance(SessionStore::kIdleTimeout + 1s);
    CHECK_FALSE(store.find(a.id));

    const auto b = store.create("b");
    clock.advance(1s);
    const auto c = store.create("c");
    clock.advance(1s);
    const auto d = store.create("d");
    clock.advance(1s);
    CHECK(store.find(b.id));  // b is now the most recently used
    const auto e = store.create("e");
    CHECK(store.size() == 3);
    CHECK_FALSE(store.find(c.id));  // the least recently used went
    CHECK(store.find(b.id));
    CHECK(store.find(d.id));
    CHECK(store.find(e.id));
    store.remove(e.id);
    CHECK_FALSE(store.find(e.id));
}
