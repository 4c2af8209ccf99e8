#include "common/thread_name.h"

#include <pthread.h>

#include <string>

namespace wg {

void name_this_thread(std::string_view name) {
    constexpr std::size_t kMaxLength = 15;
    const std::string cut{name.substr(0, kMaxLength)};
    ::pthread_setname_np(::pthread_self(), cut.c_str());
}

}  // namespace wg
