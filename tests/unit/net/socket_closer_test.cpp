// The SocketCloser on local socket pairs: a handed-over descriptor is closed
// (its peer reads end of stream), from any thread, and the destructor closes
// whatever is still queued.
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "local_broker/net/socket_closer.h"

using wg::net::SocketCloser;

namespace {

struct Pair {
    Pair() { REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds.data()) == 0); }
    ~Pair() { ::close(fds[1]); }
    Pair(const Pair&) = delete;
    Pair& operator=(const Pair&) = delete;
    int handed_over() const { return fds[0]; }
    // Waits (up to 5 s) until the handed-over end is closed: the peer reads end of stream.
    bool peer_sees_close() const {
        pollfd wait{fds[1], POLLIN, 0};
        if (::poll(&wait, 1, 5000) != 1) return false;
        char byte = 0;
        return ::read(fds[1], &byte, 1) == 0;
    }
    std::array<int, 2> fds{};
};

bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

}  // namespace

TEST_CASE("a descriptor handed to the closer is closed", "[unit][closer]") {
    SocketCloser closer;
    Pair pair;
    closer.close(pair.handed_over());
    CHECK(pair.peer_sees_close());
}

TEST_CASE("descriptors from several threads are all closed", "[unit][closer]") {
    SocketCloser closer;
    std::vector<std::unique_ptr<Pair>> pairs;
    for (int i = 0; i < 200; ++i) pairs.push_back(std::make_unique<Pair>());
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (std::size_t i = static_cast<std::size_t>(t); i < pairs.size(); i += 4) closer.close(pairs[i]->handed_over());
        });
    }
    for (auto& thread : threads) thread.join();
    for (const auto& pair : pairs) CHECK(pair->peer_sees_close());
}

TEST_CASE("the destructor closes what is still queued", "[unit][closer]") {
    std::vector<std::unique_ptr<Pair>> pairs;
    for (int i = 0; i < 50; ++i) pairs.push_back(std::make_unique<Pair>());
    {
        SocketCloser closer;
        for (const auto& pair : pairs) closer.close(pair->handed_over());
    }
    for (const auto& pair : pairs) CHECK_FALSE(is_open(pair->handed_over()));
}
