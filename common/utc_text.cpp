#include "common/utc_text.h"

#include <ctime>

namespace wg {

std::string utc_text(std::int64_t epoch_ms, const char* format) {
    const std::int64_t seconds = epoch_ms >= 0 ? epoch_ms / 1000 : (epoch_ms - 999) / 1000;
    const auto time = static_cast<std::time_t>(seconds);
    std::tm utc{};
    gmtime_r(&time, &utc);
    char buffer[64];
    const auto length = std::strftime(buffer, sizeof buffer, format, &utc);
    return std::string(buffer, length);
}

}  // namespace wg
