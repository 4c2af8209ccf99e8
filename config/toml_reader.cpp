#include "config/toml_reader.h"

#include <algorithm>
#include <vector>

namespace wg::config {
namespace {

constexpr std::size_t kMaxSuggestionDistance = 2;

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
            row[j] = std::min({above + 1, row[j - 1] + 1, substitution});
            diagonal = above;
        }
    }
    return row[b.size()];
}

}  // namespace

std::string join(const std::string& path, std::string_view name) {
    return path.empty() ? std::string{name} : path + "." + std::string{name};
}

std::size_t line_of(const toml::node& node) { return node.source().begin.line; }

std::string describe_type(const toml::node& node) {
    switch (node.type()) {
        case toml::node_type::table:
            return "a table";
        case toml::node_type::array:
            return "an array";
        case toml::node_type::string:
            return "a string";
        case toml::node_type::integer:
            return "an integer";
        case toml::node_type::floating_point:
            return "a floating-point number";
        case toml::node_type::boolean:
            return "a boolean";
        case toml::node_type::date:
            return "a date";
        case toml::node_type::time:
            return "a time";
        case toml::node_type::date_time:
            return "a date-time";
        case toml::node_type::none:
            break;
    }
    return "nothing";
}

// "(did you mean "x"?)" for a near miss, otherwise the list of the keys that are allowed.
std::string hint(std::string_view unknown, KeyList known) {
    const auto closest = std::min_element(known.begin(), known.end(), [&](auto a, auto b) {
        return edit_distance(unknown, a) < edit_distance(unknown, b);
    });
    if (closest != known.end() && edit_distance(unknown, *closest) <= kMaxSuggestionDistance) {
        return "(did you mean \"" + std::string{*closest} + "\"?)";
    }
    std::string list;
    for (const std::string_view key : known) {
        list += list.empty() ? "" : ", ";
        list += key;
    }
    return "(expected one of: " + list + ")";
}

}  // namespace wg::config
