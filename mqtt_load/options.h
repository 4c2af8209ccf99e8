#pragma once
// Command-line options of one subcommand: "--name value" pairs and bare "--flag"s.
// Each getter marks its option used; check_all_used() then rejects unknown options.
// Bad values throw UsageError (exit status 2 in main).

#include <cstdint>
#include <map>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace wg::mqtt_load {

class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Options {
public:
    explicit Options(std::span<const std::string_view> args);

    std::int64_t integer(std::string_view name, std::int64_t fallback, std::int64_t min,
                         std::int64_t max);
    // A decimal number such as 0.5 or 10 (no "inf" or "nan").
    double number(std::string_view name, double fallback, double min, double max);
    std::string text(std::string_view name, std::string_view fallback);
    bool flag(std::string_view name);
    void check_all_used() const;

private:
    struct Entry {
        std::string value;
        bool has_value = false;
        bool used = false;
    };

    Entry* find(std::string_view name);

    std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace wg::mqtt_load
