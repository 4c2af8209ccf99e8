#include "bench/json_line.h"

#include <cmath>
#include <cstdio>

namespace wg::bench {
namespace {

void append_quoted(std::string& out, std::string_view text) {
    out += '"';
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
            out += escaped;
        } else {
            out += c;
        }
    }
    out += '"';
}

}  // namespace

void JsonLine::add_key(std::string_view key) {
    if (!body_.empty()) body_ += ',';
    append_quoted(body_, key);
    body_ += ':';
}

JsonLine& JsonLine::integer(std::string_view key, std::int64_t value) {
    add_key(key);
    body_ += std::to_string(value);
    return *this;
}

JsonLine& JsonLine::number(std::string_view key, double value) {
    add_key(key);
    if (!std::isfinite(value)) {
        body_ += "null";
        return *this;
    }
    char text[64];
    std::snprintf(text, sizeof text, "%.3f", value);
    body_ += text;
    return *this;
}

JsonLine& JsonLine::text(std::string_view key, std::string_view value) {
    add_key(key);
    append_quoted(body_, value);
    return *this;
}

JsonLine& JsonLine::tool_cpu(const CpuUse& cpu) {
    return number("tool_cpu_s", cpu.cpu_seconds)
        .number("tool_user_s", cpu.user_seconds)
        .number("tool_sys_s", cpu.system_seconds)
        .number("tool_cpu_pct", cpu.percent_of_core);
}

}  // namespace wg::bench
