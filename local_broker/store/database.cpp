#include "local_broker/store/database.h"

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "common/log.h"
#include "local_broker/store/statement.h"

namespace wg::store {
namespace {

constexpr std::string_view kCannotOpen = "cannot open";

// SQLite's message for the last failure on `handle`, plus the operating
// system's reason when SQLite could not open or read a file ("unable to open
// database file (Permission denied)").
std::string describe(sqlite3* handle, int result) {
    std::string cause = handle != nullptr ? sqlite3_errmsg(handle) : sqlite3_errstr(result);
    const int primary = result & 0xff;
    if (handle != nullptr && (primary == SQLITE_CANTOPEN || primary == SQLITE_IOERR)) {
        if (const int system_errno = sqlite3_system_errno(handle); system_errno != 0)
            cause += std::string(" (") + std::strerror(system_errno) + ")";
    }
    return cause;
}

// Why SQLite could not open, create or write `path` (SQLITE_CANTOPEN,
// SQLITE_READONLY), in words: the OS error SQLite saw last is often that of its
// read-only fallback, and WAL also needs to create <path>-wal and <path>-shm.
std::string directory_reason(const std::filesystem::path& path) {
    std::error_code error;
    const std::filesystem::path directory = path.has_parent_path() ? path.parent_path() : ".";
    if (!std::filesystem::is_directory(directory, error)) return "the directory does not exist";
    if (::access(directory.c_str(), W_OK | X_OK) != 0)
        return std::string("the directory is not writable (") + std::strerror(errno) + ")";
    return {};
}

std::string with_reason(std::string cause, const std::string& reason) {
    return reason.empty() ? cause : cause + " (" + reason + ")";
}

std::int64_t single_integer(const Database& database, std::string_view sql) {
    Statement statement{database, sql};
    if (!statement.step()) return 0;
    const std::int64_t value = statement.column_int64(0);
    statement.reset();
    return value;
}

}  // namespace

void Database::Closer::operator()(sqlite3* handle) const noexcept {
    // close_v2: statements still alive keep the connection until they are finalised.
    sqlite3_close_v2(handle);
}

Database::Database(std::unique_ptr<sqlite3, Closer> handle, std::string path)
    : handle_{std::move(handle)}, path_{std::move(path)} {}

Database Database::open(const std::filesystem::path& path, std::span<const std::string_view> migrations,
                        const DatabaseOptions& options) {
    const std::string name = path.string();
    sqlite3* raw = nullptr;
    const int result = sqlite3_open_v2(name.c_str(), &raw,
                                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    std::unique_ptr<sqlite3, Closer> handle{raw};  // sqlite3_open_v2 may allocate even on failure
    if (result != SQLITE_OK) {
        std::string cause = raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(result);
        if ((result & 0xff) == SQLITE_CANTOPEN) {
            std::string reason = directory_reason(path);
            if (const int system_errno = raw != nullptr ? sqlite3_system_errno(raw) : 0;
                reason.empty() && system_errno != 0)
                reason = std::strerror(system_errno);
            cause = with_reason(cause, reason);
        }
        throw StoreError{name, kCannotOpen, cause, result & 0xff};
    }
    sqlite3_extended_result_codes(raw, 1);
    // SQLite quietly falls back to read-only when the file is write-protected.
    if (sqlite3_db_readonly(raw, "main") == 1)
        throw StoreError{name, kCannotOpen, "the file is read-only", SQLITE_READONLY};

    Database database{std::move(handle), name};
    try {
        database.configure(options);
        database.migrate(migrations);
    } catch (const StoreError& error) {
        std::string cause = error.cause();
        if (error.code() == SQLITE_CANTOPEN || error.code() == SQLITE_READONLY)
            cause = with_reason(cause, directory_reason(path));
        throw StoreError{name, kCannotOpen, cause, error.code()};
    }
    return database;
}

Database Database::open_reader(const std::filesystem::path& path, std::int64_t min_schema_version,
                               const DatabaseOptions& options) {
    const std::string name = path.string();
    sqlite3* raw = nullptr;
    const int result = sqlite3_open_v2(name.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
    std::unique_ptr<sqlite3, Closer> handle{raw};
    if (result != SQLITE_OK)
        throw StoreError{name, kCannotOpen, raw != nullptr ? describe(raw, result) : sqlite3_errstr(result),
                         result & 0xff};
    sqlite3_extended_result_codes(raw, 1);
    Database database{std::move(handle), name};
    sqlite3_busy_timeout(database.handle(), static_cast<int>(options.busy_timeout.count()));
    database.exec("PRAGMA query_only=1");
    if (options.cache_kib) database.exec("PRAGMA cache_size=-" + std::to_string(*options.cache_kib));
    if (const std::int64_t version = database.schema_version(); version < min_schema_version)
        throw StoreError{name, kCannotOpen,
                         "schema version " + std::to_string(version) + " is older than " +
                             std::to_string(min_schema_version),
                         0};
    return database;
}

void Database::configure(const DatabaseOptions& options) {
    sqlite3_busy_timeout(handle(), static_cast<int>(options.busy_timeout.count()));
    // The first read of the file: a file that is not a database fails here
    // ("file is not a database"), not at some later write.
    single_integer(*this, "SELECT count(*) FROM sqlite_master");

    Statement journal{*this, "PRAGMA journal_mode=WAL"};
    std::string mode = journal.step() ? journal.column_text(0) : std::string{};
    journal.reset();
    if (mode != "wal")
        log::warning(path_ + ": SQLite refused the WAL journal (journal_mode is '" + mode +
                     "'); commits will be slower");

    exec(options.durability == Durability::PowerLossSafe ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    exec("PRAGMA foreign_keys=ON");
    if (options.cache_kib) exec("PRAGMA cache_size=-" + std::to_string(*options.cache_kib));
    if (options.max_page_count)
        single_integer(*this, "PRAGMA max_page_count=" + std::to_string(*options.max_page_count));
}

void Database::migrate(std::span<const std::string_view> migrations) {
    const auto known = static_cast<std::int64_t>(migrations.size());
    const auto newer_error = [&](std::int64_t version) {
        return StoreError{path_, kCannotOpen,
                          "schema version " + std::to_string(version) + " is newer than this WillGate supports (" +
                              std::to_string(known) + "); it was written by a newer release",
                          0};
    };
    if (const std::int64_t version = schema_version(); version > known) throw newer_error(version);
    if (schema_version() == known) return;

    for (;;) {
        Transaction transaction{*this};
        // Read again under the write lock: another process may have migrated meanwhile.
        const std::int64_t version = schema_version();
        if (version > known) throw newer_error(version);
        if (version == known) return;
        exec(migrations[static_cast<std::size_t>(version)]);
        exec("PRAGMA user_version=" + std::to_string(version + 1));
        transaction.commit();
        log::info(path_ + ": schema migrated to version " + std::to_string(version + 1));
    }
}

void Database::exec(std::string_view sql) {
    const std::string text{sql};
    char* message = nullptr;
    const int result = sqlite3_exec(handle(), text.c_str(), nullptr, nullptr, &message);
    if (result == SQLITE_OK) return;
    std::string cause = message != nullptr ? message : describe(handle(), result);
    sqlite3_free(message);
    std::string_view head = sql.substr(std::min(sql.size(), sql.find_first_not_of(" \n")));
    head = head.substr(0, head.find_first_of("\n("));
    throw StoreError{path_, "cannot run '" + std::string(head) + "'", cause, result & 0xff};
}

std::int64_t Database::schema_version() const { return single_integer(*this, "PRAGMA user_version"); }

bool Database::in_transaction() const { return sqlite3_get_autocommit(handle()) == 0; }

Transaction::Transaction(Database& database, Kind kind) : database_{database} {
    database_.exec(kind == Kind::Write ? "BEGIN IMMEDIATE" : "BEGIN");
}

Transaction::~Transaction() {
    if (done_ || !database_.in_transaction()) return;
    try {
        database_.exec("ROLLBACK");
    } catch (const StoreError& error) {
        log::error(error.what());
    }
}

void Transaction::commit() {
    database_.exec("COMMIT");
    done_ = true;
}

}  // namespace wg::store
