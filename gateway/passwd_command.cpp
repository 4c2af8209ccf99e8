#include "gateway/passwd_command.h"

#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <optional>
#include <string>

#include "gateway/command_line.h"
#include "web/password_hash.h"

namespace wg::gateway {
namespace {

std::optional<std::string> read_line(std::istream& in) {
    std::string line;
    if (!std::getline(in, line) && line.empty()) {
        return std::nullopt;
    }
    if (!line.empty() && line.back() == '\r') {
        line.pop_back();
    }
    return line;
}

// One line from the terminal on stdin, with echo off while it is typed.
std::optional<std::string> read_hidden(const char* prompt) {
    termios saved{};
    const bool have_terminal = ::tcgetattr(STDIN_FILENO, &saved) == 0;
    if (have_terminal) {
        // Echo off before the prompt, so nothing typed after the prompt shows.
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    std::cerr << prompt << std::flush;
    auto line = read_line(std::cin);
    if (have_terminal) {
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    }
    std::cerr << '\n';
    return line;
}

}  // namespace

int passwd_command() {
    std::optional<std::string> password;
    if (::isatty(STDIN_FILENO) != 0) {
        password = read_hidden("Password: ");
        const auto again = read_hidden("Repeat the password: ");
        if (password && again && *password != *again) {
            std::cerr << "willgate passwd: the passwords differ\n";
            return kExitFailure;
        }
    } else {
        password = read_line(std::cin);
    }
    if (!password || password->empty()) {
        std::cerr << "willgate passwd: no password given\n";
        return kExitFailure;
    }
    std::cout << web::make_password_hash(*password) << '\n';
    return kExitOk;
}

}  // namespace wg::gateway
