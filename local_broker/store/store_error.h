#pragma once
// The one exception type of local_broker/store: a database that cannot be
// opened, migrated, read or written. The message names the database file and
// the cause, e.g.
//
//   /var/lib/willgate/willgate.db: cannot open: file is not a database
//
// code() is SQLite's primary result code (SQLITE_FULL, SQLITE_IOERR, ...), or 0
// when the error is ours (a schema version that is too new, say); callers use it
// to tell kinds of failure apart without parsing text.

#include <stdexcept>
#include <string>
#include <string_view>

namespace wg::store {

class StoreError : public std::runtime_error {
public:
    StoreError(std::string_view path, std::string_view action, std::string_view cause, int code)
        : std::runtime_error{std::string(path) + ": " + std::string(action) + ": " + std::string(cause)},
          cause_{cause},
          code_{code} {}

    // Only the cause ("database or disk is full"), without path and action.
    const std::string& cause() const noexcept { return cause_; }
    int code() const noexcept { return code_; }

private:
    std::string cause_;
    int code_;
};

}  // namespace wg::store
