#pragma once
// Builds the one line of JSON that each subcommand prints: a flat object of numbers and
// strings, in the order added.

#include <cstdint>
#include <string>
#include <string_view>

#include "bench/cpu_meter.h"

namespace wg::bench {

class JsonLine {
public:
    JsonLine& integer(std::string_view key, std::int64_t value);
    JsonLine& number(std::string_view key, double value);  // 3 decimals
    JsonLine& text(std::string_view key, std::string_view value);
    // tool_cpu_s, tool_user_s, tool_sys_s, tool_cpu_pct: the tool's own CPU use.
    JsonLine& tool_cpu(const CpuUse& cpu);
    std::string str() const { return "{" + body_ + "}"; }

private:
    void add_key(std::string_view key);

    std::string body_;
};

}  // namespace wg::bench
