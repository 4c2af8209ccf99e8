#pragma once
// When SIGTERM, SIGINT or SIGHUP ends the tool, says on stderr who sent it
// ("willgate-bench: stopped by signal 15 from pid 1234"), then dies of that signal as usual.
// Useful on a shared machine, where something else may stop the run. The connections
// scenario blocks these signals and handles them through a signalfd instead (stop_request.h).

namespace wg::bench {

void install_stop_signal_report();

}  // namespace wg::bench
