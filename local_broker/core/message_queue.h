#pragma once
// A first-in first-out queue of messages for one session that allocates
// nothing while empty (std::deque allocates on construction, which an idle
// session with thousands of siblings cannot afford).
//
// Threading: owned by its session; event-loop thread only.

#include <cstddef>
#include <utility>
#include <vector>

#include "local_broker/core/message.h"

namespace wg::core {

template <typename T>
class LazyQueue {
public:
    bool empty() const { return head_ == items_.size(); }
    std::size_t size() const { return items_.size() - head_; }

    void push_back(T item) { items_.push_back(std::move(item)); }

    T& front() { return items_[head_]; }

    void pop_front() {
        items_[head_] = T{};  // release what the slot held
        if (++head_ == items_.size()) {
            items_.clear();
            head_ = 0;
            if (items_.capacity() > kKeepCapacity) std::vector<T>().swap(items_);
        } else if (head_ >= kCompactAfter && head_ * 2 >= items_.size()) {
            items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
            head_ = 0;
        }
    }

    // Removes the items `predicate` returns true for, keeping the order.
    template <typename Predicate>
    void erase_if(Predicate predicate) {
        items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
        head_ = 0;
        std::erase_if(items_, predicate);
    }

    auto begin() { return items_.begin() + static_cast<std::ptrdiff_t>(head_); }
    auto end() { return items_.end(); }
    auto begin() const { return items_.begin() + static_cast<std::ptrdiff_t>(head_); }
    auto end() const { return items_.end(); }

private:
    static constexpr std::size_t kCompactAfter = 64;
    static constexpr std::size_t kKeepCapacity = 256;

    std::vector<T> items_;
    std::size_t head_ = 0;
};

}  // namespace wg::core
