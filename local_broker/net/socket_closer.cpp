#include "local_broker/net/socket_closer.h"

#include <unistd.h>

#include "common/thread_name.h"

namespace wg::net {

SocketCloser::SocketCloser() : thread_([this] { run(); }) {}

SocketCloser::~SocketCloser() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void SocketCloser::close(int fd) {
    bool was_empty = false;
    {
        const std::lock_guard lock(mutex_);
        was_empty = queued_.empty();
        queued_.push_back(fd);
    }
    // The thread sleeps only with an empty queue: one wake-up per batch.
    if (was_empty) wake_.notify_one();
}

void SocketCloser::run() {
    name_this_thread("wg-closer");
    std::vector<int> closing;
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || !queued_.empty(); });
        if (queued_.empty()) return;  // stopping, and nothing left
        closing.swap(queued_);
        lock.unlock();
        for (const int fd : closing) ::close(fd);
        closing.clear();
        lock.lock();
    }
}

}  // namespace wg::net
