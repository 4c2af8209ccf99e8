#include "common/json_text.h"

#include <cstdio>
#include <ctime>

namespace wg::json {
namespace {

// Length of the valid UTF-8 sequence at the start of `text`, or 0.
std::size_t utf8_sequence(std::string_view text) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(0);
    std::size_t length = 0;
    std::uint32_t code = 0;
    if (lead < 0x80) return 1;
    if ((lead & 0xE0) == 0xC0) length = 2, code = lead & 0x1Fu;
    else if ((lead & 0xF0) == 0xE0) length = 3, code = lead & 0x0Fu;
    else if ((lead & 0xF8) == 0xF0) length = 4, code = lead & 0x07u;
    else return 0;
    if (text.size() < length) return 0;
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(i) & 0xC0) != 0x80) return 0;
        code = (code << 6) | (byte(i) & 0x3Fu);
    }
    static constexpr std::uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < kMinimum[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
    return length;
}

}  // namespace

void append_string(std::string& out, std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.push_back('"');
    while (!text.empty()) {
        const auto c = static_cast<unsigned char>(text.front());
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20 || c == 0x7F) {
            out += "\\u00";
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0xF]);
        } else if (c >= 0x80) {
            const std::size_t length = utf8_sequence(text);
            if (length == 0) {
                out += "\\ufffd";
                text.remove_prefix(1);
                continue;
            }
            const std::string_view sequence = text.substr(0, length);
            if (sequence == "\xE2\x80\xA8") out += "\\u2028";
            else if (sequence == "\xE2\x80\xA9") out += "\\u2029";
            else out += sequence;
            text.remove_prefix(length);
            continue;
        } else {
            out.push_back(static_cast<char>(c));
        }
        text.remove_prefix(1);
    }
    out.push_back('"');
}

std::string iso8601_utc(std::int64_t epoch_ms) {
    const std::int64_t seconds = epoch_ms >= 0 ? epoch_ms / 1000 : (epoch_ms - 999) / 1000;
    const auto millis = static_cast<int>(epoch_ms - seconds * 1000);
    const auto time = static_cast<std::time_t>(seconds);
    std::tm utc{};
    gmtime_r(&time, &utc);
    char buffer[40];
    const auto length = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
    std::string text(buffer, length);
    char fraction[8];
    std::snprintf(fraction, sizeof fraction, ".%03dZ", millis);
    return text + fraction;
}

}  // namespace wg::json
