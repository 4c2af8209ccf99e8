// The Poller on local socket pairs (no network): readiness reaches the
// handler with the registered item, leftover input is reported again, every
// ready socket is handed over however many there are, and the io_context
// runs out of work once the set is empty.
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <functional>
#include <memory>
#include <vector>

#include <catch2/catch.hpp>

#include "local_broker/net/poller.h"

using namespace wg::net;

namespace {

struct SocketPair {
    SocketPair() { REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds.data()) == 0); }
    ~SocketPair() {
        ::close(fds[0]);
        ::close(fds[1]);
    }
    SocketPair(const SocketPair&) = delete;
    SocketPair& operator=(const SocketPair&) = delete;
    int watched() const { return fds[0]; }
    void send(char byte = 'x') const { REQUIRE(::write(fds[1], &byte, 1) == 1); }
    std::array<int, 2> fds{};
};

// The item registered with the poller: runs the test's reaction.
struct Item {
    std::function<void(std::uint32_t)> on_events;
};

void dispatch(void* item, std::uint32_t events) { static_cast<Item*>(item)->on_events(events); }

void drain(int fd) {
    char buffer[256];
    while (::read(fd, buffer, sizeof buffer) > 0) {
    }
}

}  // namespace

TEST_CASE("a ready socket reaches the handler with its item", "[unit][poller]") {
    asio::io_context io;
    Poller poller(io, dispatch);
    SocketPair pair;
    std::uint32_t seen = 0;
    Item item{[&](std::uint32_t events) {
        seen = events;
        drain(pair.watched());
        poller.remove(pair.watched());
    }};
    REQUIRE_FALSE(poller.add(pair.watched(), &item, EPOLLIN));
    pair.send();
    io.run();  // returns once the set is empty again
    CHECK((seen & EPOLLIN) != 0);
    CHECK(poller.size() == 0);
}

TEST_CASE("unread input is reported again, with other handlers run in between", "[unit][poller]") {
    asio::io_context io;
    Poller poller(io, dispatch);
    SocketPair pair;
    int calls = 0;
    int posted_ran = 0;
    std::vector<int> posted_before_call;
    Item item{[&](std::uint32_t) {
        posted_before_call.push_back(posted_ran);
        asio::post(io, [&] { ++posted_ran; });
        if (++calls == 3) {
            drain(pair.watched());
            poller.remove(pair.watched());
        }
    }};
    REQUIRE_FALSE(poller.add(pair.watched(), &item, EPOLLIN));
    pair.send();
    io.run();
    CHECK(calls == 3);
    CHECK(posted_before_call == std::vector<int>{0, 1, 2});
}

TEST_CASE("more ready sockets than one round holds are all handed over", "[unit][poller]") {
    asio::io_context io;
    Poller poller(io, dispatch);
    constexpr int kSockets = 700;
    std::vector<std::unique_ptr<SocketPair>> pairs;
    std::vector<Item> items(kSockets);
    std::vector<int> calls(kSockets, 0);
    for (int i = 0; i < kSockets; ++i) {
        pairs.push_back(std::make_unique<SocketPair>());
        const int fd = pairs.back()->watched();
        items[static_cast<std::size_t>(i)].on_events = [&, fd, i](std::uint32_t) {
            ++calls[static_cast<std::size_t>(i)];
            drain(fd);
            poller.remove(fd);
        };
        REQUIRE_FALSE(poller.add(fd, &items[static_cast<std::size_t>(i)], EPOLLIN));
        pairs.back()->send();
    }
    io.run();
    CHECK(std::count(calls.begin(), calls.end(), 1) == kSockets);
}

TEST_CASE("only the events asked for are reported", "[unit][poller]") {
    asio::io_context io;
    Poller poller(io, dispatch);
    SocketPair pair;
    std::vector<std::uint32_t> seen;
    Item item{[&](std::uint32_t events) {
        seen.push_back(events & (EPOLLIN | EPOLLOUT));
        if (seen.size() == 1) {
            // Input waits unread while only writability is watched.
            REQUIRE_FALSE(poller.modify(pair.watched(), &item, EPOLLOUT));
        } else {
            poller.remove(pair.watched());
        }
    }};
    REQUIRE_FALSE(poller.add(pair.watched(), &item, EPOLLIN));
    pair.send();
    io.run();
    CHECK(seen == std::vector<std::uint32_t>{EPOLLIN, EPOLLOUT});
}

TEST_CASE("a socket added right after the set emptied is still watched", "[unit][poller]") {
    asio::io_context io;
    Poller poller(io, dispatch);
    SocketPair first;
    SocketPair second;
    bool second_seen = false;
    Item unused{[](std::uint32_t) {}};
    Item item{[&](std::uint32_t) {
        second_seen = true;
        drain(second.watched());
        poller.remove(second.watched());
    }};
    // The wait armed for the first socket is cancelled when it leaves; the
    // second arrives before that cancellation has been delivered.
    REQUIRE_FALSE(poller.add(first.watched(), &unused, EPOLLIN));
    poller.remove(first.watched());
    REQUIRE_FALSE(poller.add(second.watched(), &item, EPOLLIN));
    second.send();
    io.run();
    CHECK(second_seen);
}

TEST_CASE("a socket that cannot be watched is refused with the error", "[unit][poller]") {
    asio::io_context io;
    Poller poller(io, dispatch);
    Item unused{[](std::uint32_t) {}};
    const int closed_fd = [] {
        SocketPair pair;
        return pair.watched();
    }();
    CHECK(poller.add(closed_fd, &unused, EPOLLIN).value() == EBADF);
    CHECK(poller.size() == 0);
}
