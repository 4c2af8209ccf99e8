#pragma once
// A time as UTC text in a strftime() format ("%Y%m%d%H"), for milliseconds
// since the Unix epoch (the milliseconds are dropped; a negative time rounds
// down to its second). Pure, any thread.

#include <cstdint>
#include <string>

namespace wg {

std::string utc_text(std::int64_t epoch_ms, const char* format);

}  // namespace wg
