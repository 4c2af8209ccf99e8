#include "config/config_error.h"

#include <utility>

namespace wg::config {
namespace {

std::string describe(const std::string& file, std::size_t line, const std::string& key,
                     const std::string& message) {
    std::string text = file;
    if (line != 0) {
        text += ':';
        text += std::to_string(line);
    }
    text += ": ";
    if (!key.empty()) {
        text += key;
        text += ": ";
    }
    text += message;
    return text;
}

}  // namespace

ConfigError::ConfigError(std::string file, std::size_t line, std::string key, std::string message)
    : std::runtime_error{describe(file, line, key, message)},
      file_{std::move(file)},
      line_{line},
      key_{std::move(key)},
      detail_{std::move(message)} {}

}  // namespace wg::config
