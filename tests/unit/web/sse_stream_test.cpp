#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <sstream>
#include <streambuf>
#include <string>
#include <thread>

#include "common/clock.h"
#include "fake_ports.h"
#include "web/sse_stream.h"

using namespace wg::web;
using namespace std::chrono_literals;

namespace {

// A stream buffer another thread can read while the stream writes; it can be made to fail
// like a socket whose client went away.
class SharedBuffer final : public std::streambuf {
public:
    std::string text() {
        const std::lock_guard lock{mutex_};
        return text_;
    }
    void fail() { failed_ = true; }

protected:
    int_type overflow(int_type c) override {
        if (failed_ || traits_type::eq_int_type(c, traits_type::eof())) {
            return failed_ ? traits_type::eof() : c;
        }
        const std::lock_guard lock{mutex_};
        text_ += traits_type::to_char_type(c);
        return c;
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        if (failed_) {
            return 0;
        }
        const std::lock_guard lock{mutex_};
        text_.append(s, static_cast<std::size_t>(n));
        return n;
    }

private:
    std::mutex mutex_;
    std::string text_;
    std::atomic<bool> failed_{false};
};

bool wait_for(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 5000ms) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > deadline) {
            return false;
        }
        std::this_thread::sleep_for(5ms);
    }
    return true;
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
        ++n;
    }
    return n;
}

}  // namespace

TEST_CASE("sequence_parsing_accepts_non_negative_integers_only", "[unit][web]") {
    CHECK(parse_sequence("0") == 0);
    CHECK(parse_sequence("42") == 42);
    CHECK_FALSE(parse_sequence(""));
    CHECK_FALSE(parse_sequence("-1"));
    CHECK_FALSE(parse_sequence("7x"));
    CHECK_FALSE(parse_sequence("99999999999999999999999"));
}

TEST_CASE("device_event_is_one_event_with_id_and_single_line_data", "[unit][web]") {
    wg::liveness::Transition transition{12, "line\nbreak\xE2\x80\xA8", 5, false, "io-error", "x\ny", "1.2.3.4:5", true};
    auto device = test::device(transition.client_id, false);
    const std::string event = device_event(transition, device);
    CHECK(event.starts_with("event: device\nid: 12\ndata: {"));
    CHECK(event.ends_with("}\n\n"));
    CHECK(count(event, "\n") == 4);  // three field lines and the blank line: no raw newline in the data
    CHECK(event.find("\"device\":{") != std::string::npos);
    CHECK(device_event(transition, std::nullopt).find("\"device\":null") != std::string::npos);
}

TEST_CASE("stream_sends_changes_after_the_given_sequence_then_new_ones_and_broker_figures", "[unit][web]") {
    wg::SteadyClock clock;
    test::FakeLiveness liveness;
    test::FakeStatus status;
    status.value.version = "v-test";
    liveness.put(test::device("a", true));
    liveness.add_transition({0, "a", 1, true, "", "", "", false});   // 1: already seen
    liveness.add_transition({0, "a", 2, false, "io-error", "", "", false});  // 2
    std::atomic<bool> stopping{false};
    SharedBuffer buffer;
    std::ostream out{&buffer};
    SseOptions options;
    options.broker_interval = 50ms;
    options.keepalive_interval = 80ms;
    options.poll_interval = 20ms;
    std::thread runner{[&] { SseStream{liveness, status, clock, stopping, options}.run(out, 1); }};

    CHECK(wait_for([&] { return buffer.text().find("id: 2\n") != std::string::npos; }));
    CHECK(buffer.text().find("id: 1\n") == std::string::npos);
    liveness.add_transition({0, "gone", 3, false, "", "", "", false});  // a device that is not there (forgotten)
    CHECK(wait_for([&] { return buffer.text().find("id: 3\n") != std::string::npos; }));
    CHECK(buffer.text().find("\"device\":null") != std::string::npos);
    CHECK(wait_for([&] { return count(buffer.text(), "event: broker\n") >= 3; }));
    CHECK(wait_for([&] { return buffer.text().find(": keep-alive\n\n") != std::string::npos; }));
    CHECK(buffer.text().starts_with("retry: 2000\n\nevent: broker\ndata: {\"version\":\"v-test\""));
    stopping = true;
    runner.join();
}

TEST_CASE("stream_ends_when_the_client_goes_away", "[unit][web]") {
    wg::SteadyClock clock;
    test::FakeLiveness liveness;
    test::FakeStatus status;
    std::atomic<bool> stopping{false};
    SharedBuffer buffer;
    std::ostream out{&buffer};
    SseOptions options;
    options.broker_interval = 10ms;
    options.poll_interval = 10ms;
    std::atomic<bool> ended{false};
    std::thread runner{[&] {
        SseStream{liveness, status, clock, stopping, options}.run(out, 0);
        ended = true;
    }};
    CHECK(wait_for([&] { return count(buffer.text(), "event: broker") >= 2; }));
    buffer.fail();
    CHECK(wait_for([&] { return ended.load(); }));
    stopping = true;  // in case it did not end, so the test does not hang
    runner.join();
}

TEST_CASE("stream_sends_forgets_in_order_with_the_changes", "[unit][web]") {
    wg::SteadyClock clock;
    test::FakeLiveness liveness;
    test::FakeStatus status;
    ForgottenDevices forgotten;
    forgotten.add("seen-before", 1);  // before the stream's start: not sent
    forgotten.add("missed", 2);       // after it: sent first
    liveness.add_transition({0, "a", 1, true, "", "", "", false});
    liveness.add_transition({0, "a", 2, false, "", "", "", false});
    std::atomic<bool> stopping{false};
    SharedBuffer buffer;
    std::ostream out{&buffer};
    SseOptions options;
    options.poll_interval = 10ms;
    std::thread runner{[&] { SseStream{liveness, status, clock, stopping, options, &forgotten}.run(out, 2); }};

    CHECK(wait_for([&] { return buffer.text().find(R"(data: {"client_id":"missed"})") != std::string::npos; }));
    CHECK(buffer.text().find("seen-before") == std::string::npos);
    // Forgotten at sequence 2, then back online (3): the forget comes first.
    forgotten.add("back", 2);
    liveness.put(test::device("back", true));
    liveness.add_transition({0, "back", 3, true, "", "", "", false});
    CHECK(wait_for([&] { return buffer.text().find("id: 3\n") != std::string::npos; }));
    const std::string text = buffer.text();
    const auto forget = text.find("event: forgotten\ndata: {\"client_id\":\"back\"}\n\n");
    REQUIRE(forget != std::string::npos);
    CHECK(forget < text.find("id: 3\n"));
    // A forget with nothing after it comes within a poll interval.
    forgotten.add("alone", 3);
    CHECK(wait_for([&] { return buffer.text().find(R"({"client_id":"alone"})") != std::string::npos; }));
    CHECK(count(buffer.text(), "event: forgotten\n") == 3);
    stopping = true;
    runner.join();
}

TEST_CASE("forgotten_devices_keep_the_newest_entries_only", "[unit][web]") {
    ForgottenDevices forgotten;
    for (std::size_t i = 0; i < ForgottenDevices::kMaxEntries + 10; ++i) {
        forgotten.add("d" + std::to_string(i), static_cast<std::int64_t>(i));
    }
    CHECK(forgotten.last_id() == ForgottenDevices::kMaxEntries + 10);
    const auto all = forgotten.after(0);
    REQUIRE(all.size() == ForgottenDevices::kMaxEntries);
    CHECK(all.front().client_id == "d10");
    CHECK(forgotten.from_sequence(static_cast<std::int64_t>(ForgottenDevices::kMaxEntries + 8)).size() == 2);
}
