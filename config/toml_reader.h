// Reading typed values out of a TOML table with the file, line and dotted key of every
// mistake (ConfigError): the shared part of the configuration readers.
#pragma once

#include <toml++/toml.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "config/checks.h"
#include "config/config_error.h"

namespace wg::config {

using KeyList = std::span<const std::string_view>;

std::string join(const std::string& path, std::string_view name);
std::size_t line_of(const toml::node& node);
// "a table", "an integer", ...
std::string describe_type(const toml::node& node);
// "(did you mean "x"?)" for a near miss, otherwise the list of the keys that are allowed.
std::string hint(std::string_view unknown, KeyList known);

class TomlReader {
public:
    explicit TomlReader(const std::string& file) : file_{file} {}

protected:
    [[noreturn]] void fail(std::size_t line, std::string key, std::string message) const {
        throw ConfigError{file_, line, std::move(key), std::move(message)};
    }

    void reject_unknown_keys(const toml::table& table, const std::string& path,
                             KeyList known) const {
        for (const auto& [key, node] : table) {
            if (std::find(known.begin(), known.end(), key.str()) != known.end()) {
                continue;
            }
            const bool is_table = node.is_table() || node.is_array_of_tables();
            const std::size_t line =
                key.source().begin.line != 0 ? key.source().begin.line : line_of(node);
            fail(line, join(path, key.str()),
                 std::string{is_table ? "unknown table " : "unknown key "} + hint(key.str(), known));
        }
    }

    // The table `name` of `parent`; nullptr when it is absent.
    const toml::table* child_table(const toml::table& parent, std::string_view name) const {
        const toml::node* node = parent.get(name);
        if (node == nullptr) {
            return nullptr;
        }
        if (!node->is_table()) {
            fail(line_of(*node), std::string{name},
                 "expected a table ([" + std::string{name} + "]), got " + describe_type(*node));
        }
        return node->as_table();
    }

    // Leaves `out` alone when the key is absent.
    void read_bool(const toml::table& table, const std::string& path, std::string_view name, bool& out) const {
        const toml::node* node = table.get(name);
        if (node == nullptr) {
            return;
        }
        const toml::value<bool>* flag = node->as_boolean();
        if (flag == nullptr) {
            fail(line_of(*node), join(path, name), "expected a boolean (true or false), got " + describe_type(*node));
        }
        out = flag->get();
    }

    // Leaves `out` alone when the key is absent. The range fits T (checks.h).
    template <typename T>
    void read_integer(const toml::table& table, const std::string& path, std::string_view name,
                      IntegerRange range, T& out) const {
        const toml::node* node = table.get(name);
        if (node == nullptr) {
            return;
        }
        const toml::value<std::int64_t>* integer = node->as_integer();
        if (integer == nullptr) {
            fail(line_of(*node), join(path, name),
                 "expected an integer, got " + describe_type(*node));
        }
        if (const auto problem = check_range(integer->get(), range)) {
            fail(line_of(*node), join(path, name), *problem);
        }
        out = static_cast<T>(integer->get());
    }

    // Leaves `out` alone when the key is absent.
    template <typename Check>
    void read_string(const toml::table& table, const std::string& path, std::string_view name,
                     Check check, std::string& out) const {
        const toml::node* node = table.get(name);
        if (node == nullptr) {
            return;
        }
        const toml::value<std::string>* text = node->as_string();
        if (text == nullptr) {
            fail(line_of(*node), join(path, name), "expected a string, got " + describe_type(*node));
        }
        if (const auto problem = check(text->get())) {
            fail(line_of(*node), join(path, name), *problem);
        }
        out = text->get();
    }


    const std::string& file_;
};

}  // namespace wg::config
