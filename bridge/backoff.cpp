#include "bridge/backoff.h"

#include <algorithm>

namespace wg::bridge {

Backoff::Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, std::uint64_t seed)
    : initial_{initial}, max_{std::max(max, initial)}, current_{initial}, random_{seed} {}

std::chrono::milliseconds Backoff::next() {
    const auto ceiling = current_.count();
    std::uniform_int_distribution<std::int64_t> jitter{ceiling / 2, ceiling};
    const std::chrono::milliseconds delay{jitter(random_)};
    current_ = std::min(current_ * 2, max_);
    return delay;
}

}  // namespace wg::bridge
