#pragma once
// Names the calling thread, as `top -H`, `ps -L` and perf show it. Linux keeps
// at most 15 characters: a longer name is cut. Errors are ignored (a name is
// only a label).

#include <string_view>

namespace wg {

void name_this_thread(std::string_view name);

}  // namespace wg
