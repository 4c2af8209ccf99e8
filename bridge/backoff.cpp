#include "bridge/backoff.h"

#include <algorithm>

namespace wg::bridge {

Backoff::Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, std::uint64_t seed)
    : initial_{initial}, max_{std::max(max, initial)}, random_{seed} {}

std::chrono::milliseconds Backoff::next(Time now) {
    if (!down_since_) down_since_ = now;
    const auto down = std::chrono::duration_cast<std::chrono::milliseconds>(now - *down_since_);
    const auto ceiling = std::clamp(down / 2, initial_, max_).count();
    std::uniform_int_distribution<std::int64_t> jitter{ceiling / 2, ceiling};
    return std::chrono::milliseconds{jitter(random_)};
}

}  // namespace wg::bridge
