// `willgate passwd`: reads a password and prints its hash for [[web.user]] password_hash.
// From a terminal it asks twice without echo (prompts on stderr); otherwise it reads one
// line from stdin. The hash goes to stdout. Returns the exit status: 0, or 1 for an empty
// password, passwords that differ, or no input.
#pragma once

namespace wg::gateway {

int passwd_command();

}  // namespace wg::gateway
