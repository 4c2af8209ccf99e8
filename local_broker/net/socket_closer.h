#pragma once
// Closes client sockets on a thread of its own, off the event loop.
//
// Closing a TCP socket whose peer has gone is the most expensive step of a
// disconnect: close() sends our FIN and, on loopback and fast links, runs the
// peer's side of the teardown in the same call. When thousands of devices drop
// at once (a Will storm) the event loop spent three quarters of each
// disconnect in close(); here it hands over the descriptor and goes on to
// publish the next Will.
//
// The caller must take the descriptor out of its epoll set first: the kernel
// keeps a descriptor in epoll until it is closed, and it would keep reporting
// events for a connection that no longer exists.
//
// Threading: close() may be called from any thread. The destructor closes
// whatever is still queued and joins the thread. Errors: close() errors are
// ignored (the descriptor is released either way, and nothing can be done).

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace wg::net {

class SocketCloser {
public:
    SocketCloser();
    ~SocketCloser();
    SocketCloser(const SocketCloser&) = delete;
    SocketCloser& operator=(const SocketCloser&) = delete;

    // Takes ownership of `fd` and closes it soon.
    void close(int fd);

private:
    void run();

    std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<int> queued_;
    bool stopping_ = false;
    std::thread thread_;  // last: started once the members above exist
};

}  // namespace wg::net
