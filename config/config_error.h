// The one exception type for bad configuration: it names the file, the line and the key.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace wg::config {

class ConfigError : public std::runtime_error {
public:
    // line 0 = no line (a missing file, a check across several keys of built-in defaults);
    // key "" = no single key (a TOML syntax error, an unreadable file).
    // what() is "FILE:LINE: KEY: MESSAGE", leaving out ":LINE" when line is 0 and "KEY: " when
    // key is empty.
    ConfigError(std::string file, std::size_t line, std::string key, std::string message);

    const std::string& file() const noexcept { return file_; }
    std::size_t line() const noexcept { return line_; }
    const std::string& key() const noexcept { return key_; }
    const std::string& detail() const noexcept { return detail_; }

private:
    std::string file_;
    std::size_t line_;
    std::string key_;
    std::string detail_;
};

}  // namespace wg::config
