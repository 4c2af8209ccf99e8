#include <catch2/catch.hpp>

#include "local_broker/core/message_queue.h"

using wg::core::LazyQueue;

TEST_CASE("lazy queue keeps first-in first-out order across compactions", "[unit][queue]") {
    LazyQueue<int> queue;
    CHECK(queue.empty());
    int next_in = 0;
    int next_out = 0;
    // Interleave pushes and pops so the head moves past the compaction point many times.
    for (int round = 0; round < 50; ++round) {
        for (int i = 0; i < 100; ++i) queue.push_back(next_in++);
        for (int i = 0; i < 70; ++i) {
            REQUIRE(queue.front() == next_out++);
            queue.pop_front();
        }
    }
    CHECK(queue.size() == static_cast<std::size_t>(next_in - next_out));
    while (!queue.empty()) {
        REQUIRE(queue.front() == next_out++);
        queue.pop_front();
    }
    CHECK(next_out == next_in);
}

TEST_CASE("lazy queue erase_if keeps the order of what remains", "[unit][queue]") {
    LazyQueue<int> queue;
    for (int i = 0; i < 10; ++i) queue.push_back(i);
    queue.pop_front();
    queue.erase_if([](int value) { return value % 2 == 0; });
    std::vector<int> left(queue.begin(), queue.end());
    CHECK(left == std::vector<int>{1, 3, 5, 7, 9});
}
