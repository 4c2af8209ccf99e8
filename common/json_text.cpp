#include "common/json_text.h"

#include <cstdio>
#include <ctime>

#include "common/utf8.h"

namespace wg::json {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_unicode_escape(std::string& out, unsigned code) {
    out += "\\u";
    out += kHex[code >> 12 & 0xF];
    out += kHex[code >> 8 & 0xF];
    out += kHex[code >> 4 & 0xF];
    out += kHex[code & 0xF];
}

// Length of the well-formed UTF-8 sequence at `i`, 0 if there is none.
std::size_t sequence_length(std::string_view text, std::size_t i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t length = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    if (text.size() - i < length) {
        return 0;
    }
    return is_valid_utf8(text.substr(i, length)) ? length : 0;
}

}  // namespace

void append_string(std::string& out, std::string_view text) {
    out += '"';
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {
            const std::size_t length = sequence_length(text, i);
            if (length == 0) {
                out += "\\ufffd";
                ++i;
                continue;
            }
            // U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR: E2 80 A8/A9.
            if (length == 3 && c == 0xE2 && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
                (static_cast<unsigned char>(text[i + 2]) == 0xA8 ||
                 static_cast<unsigned char>(text[i + 2]) == 0xA9)) {
                append_unicode_escape(out, static_cast<unsigned char>(text[i + 2]) == 0xA8 ? 0x2028 : 0x2029);
            } else {
                out.append(text.substr(i, length));
            }
            i += length;
            continue;
        }
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            case '<':
            case '>':
            case '&':
                append_unicode_escape(out, c);
                break;
            default:
                if (c < 0x20 || c == 0x7F) {
                    append_unicode_escape(out, c);
                } else {
                    out += static_cast<char>(c);
                }
        }
        ++i;
    }
    out += '"';
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
