#include "bench/stop_signal_report.h"

#include <signal.h>
#include <unistd.h>

#include <array>
#include <cstddef>

namespace wg::bench {
namespace {

// Appends the decimal digits of value; async-signal-safe (no allocation, no locale).
std::size_t append_number(std::array<char, 96>& out, std::size_t at, long value) {
    std::array<char, 24> digits{};
    std::size_t count = 0;
    unsigned long rest = value < 0 ? 0UL : static_cast<unsigned long>(value);
    do {
        digits[count++] = static_cast<char>('0' + rest % 10);
        rest /= 10;
    } while (rest > 0 && count < digits.size());
    while (count > 0 && at < out.size()) out[at++] = digits[--count];
    return at;
}

std::size_t append_text(std::array<char, 96>& out, std::size_t at, const char* text) {
    while (*text != '\0' && at < out.size()) out[at++] = *text++;
    return at;
}

void report_and_die(int signal_number, siginfo_t* info, void*) {
    std::array<char, 96> line{};
    std::size_t at = append_text(line, 0, "willgate-bench: stopped by signal ");
    at = append_number(line, at, signal_number);
    at = append_text(line, at, " from pid ");
    at = append_number(line, at, info != nullptr ? static_cast<long>(info->si_pid) : -1L);
    at = append_text(line, at, "\n");
    [[maybe_unused]] const ssize_t ignored = ::write(STDERR_FILENO, line.data(), at);
    ::signal(signal_number, SIG_DFL);
    ::raise(signal_number);
}

}  // namespace

void install_stop_signal_report() {
    struct sigaction action {};
    action.sa_sigaction = report_and_die;
    action.sa_flags = SA_SIGINFO | SA_RESETHAND;
    sigemptyset(&action.sa_mask);
    for (const int signal_number : {SIGTERM, SIGINT, SIGHUP})
        sigaction(signal_number, &action, nullptr);
}

}  // namespace wg::bench
