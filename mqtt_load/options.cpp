#include "mqtt_load/options.h"

#include <array>
#include <charconv>

namespace wg::mqtt_load {
namespace {

// 0.5 -> "0.5", 10 -> "10": bounds as a person would write them.
std::string format_number(double value) {
    std::array<char, 32> text{};
    const auto result = std::to_chars(text.data(), text.data() + text.size(), value);
    return std::string(text.data(), result.ptr);
}

}  // namespace

Options::Options(std::span<const std::string_view> args) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view arg = args[i];
        if (!arg.starts_with("--") || arg.size() == 2) {
            throw UsageError{"unexpected argument \"" + std::string{arg} + "\""};
        }
        Entry entry;
        std::string name{arg.substr(2)};
        if (const auto equals = name.find('='); equals != std::string::npos) {
            entry.value = name.substr(equals + 1);
            entry.has_value = true;
            name.resize(equals);
        } else if (i + 1 < args.size() && !args[i + 1].starts_with("--")) {
            entry.value = std::string{args[++i]};
            entry.has_value = true;
        }
        if (!entries_.emplace(name, std::move(entry)).second) {
            throw UsageError{"--" + name + " given twice"};
        }
    }
}

Options::Entry* Options::find(std::string_view name) {
    const auto it = entries_.find(name);
    if (it == entries_.end()) return nullptr;
    it->second.used = true;
    return &it->second;
}

std::int64_t Options::integer(std::string_view name, std::int64_t fallback, std::int64_t min,
                              std::int64_t max) {
    const Entry* entry = find(name);
    if (entry == nullptr) return fallback;
    std::int64_t value = 0;
    const char* const end = entry->value.data() + entry->value.size();
    const auto [stop, error] = std::from_chars(entry->value.data(), end, value);
    if (!entry->has_value || error != std::errc{} || stop != end || value < min || value > max) {
        throw UsageError{"--" + std::string{name} + " needs an integer in " + std::to_string(min) +
                         ".." + std::to_string(max)};
    }
    return value;
}

double Options::number(std::string_view name, double fallback, double min, double max) {
    const Entry* entry = find(name);
    if (entry == nullptr) return fallback;
    double value = 0;
    const char* const end = entry->value.data() + entry->value.size();
    const auto [stop, error] =
        std::from_chars(entry->value.data(), end, value, std::chars_format::fixed);
    if (!entry->has_value || error != std::errc{} || stop != end || !(value >= min) ||
        !(value <= max)) {
        throw UsageError{"--" + std::string{name} + " needs a number in " + format_number(min) +
                         ".." + format_number(max)};
    }
    return value;
}

std::string Options::text(std::string_view name, std::string_view fallback) {
    const Entry* entry = find(name);
    if (entry == nullptr) return std::string{fallback};
    if (!entry->has_value || entry->value.empty()) {
        throw UsageError{"--" + std::string{name} + " needs a value"};
    }
    return entry->value;
}

bool Options::flag(std::string_view name) {
    const Entry* entry = find(name);
    if (entry == nullptr) return false;
    if (entry->has_value) throw UsageError{"--" + std::string{name} + " takes no value"};
    return true;
}

void Options::check_all_used() const {
    for (const auto& [name, entry] : entries_) {
        if (!entry.used) throw UsageError{"unknown option --" + name};
    }
}

}  // namespace wg::mqtt_load
