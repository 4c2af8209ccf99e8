// A small streaming JSON writer: objects, arrays, strings, numbers, booleans, null, with
// commas placed automatically. Strings are escaped so that the result is valid JSON and safe
// to embed in HTML <script> or an SSE data line: quotes, backslash, every control character,
// U+2028/U+2029 and '<', '>', '&' become escapes; bytes that are not valid UTF-8 become U+FFFD.
//
// Not thread-safe: one writer per response. Misuse (a value where a key is due) is a
// programming error and is not checked beyond what the structure of the calls implies.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wg::web {

// Strings are escaped by json::append_string (common/json_text.h).
class JsonWriter {
public:
    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();

    // The key of the next member (inside an object).
    JsonWriter& key(std::string_view name);

    JsonWriter& value(std::string_view text);
    JsonWriter& value(const char* text) { return value(std::string_view{text}); }
    JsonWriter& value(const std::string& text) { return value(std::string_view{text}); }
    JsonWriter& value(bool flag);
    JsonWriter& value(std::int64_t number);
    JsonWriter& value(std::uint64_t number);
    JsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
    JsonWriter& value(unsigned number) { return value(static_cast<std::uint64_t>(number)); }
    JsonWriter& value(double number);  // non-finite numbers are written as null
    JsonWriter& null();

    // key(name).value(v)
    template <typename T>
    JsonWriter& member(std::string_view name, const T& v) {
        key(name);
        return value(v);
    }

    const std::string& text() const { return out_; }
    std::string take() { return std::move(out_); }

private:
    void before_value();

    std::string out_;
    // One entry per open container: whether it already has an element.
    std::vector<bool> has_element_;
    bool after_key_ = false;
};

}  // namespace wg::web
