#pragma once
// An open SQLite database file, configured the way WillGate uses SQLite: WAL
// journal, a busy timeout, foreign keys on, and a schema kept current by
// forward migrations numbered in `PRAGMA user_version`.
//
// Threading: a Database (and the Statements and Transactions made from it) is
// used by one thread at a time; hand it over between threads only with a
// happens-before edge (a mutex, a thread start). Two Database objects on the
// same file, in this process or another, are fine (WAL: readers never block the
// writer).
//
// Ownership: Database owns the connection; Statements keep only its raw handle,
// so they must not outlive it. Moving a Database keeps its Statements valid.
//
// Errors: every failure throws StoreError naming the file and the cause.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "local_broker/store/store_error.h"

struct sqlite3;  // <sqlite3.h> stays out of our headers.

namespace wg::store {

// What a committed transaction survives.
enum class Durability {
    // PRAGMA synchronous=NORMAL: survives a crash or kill -9 of the process; a
    // power cut may lose the last commits (never corrupts the file). No fsync
    // per commit.
    ProcessCrashSafe,
    // PRAGMA synchronous=FULL: also survives a power cut; one fsync per commit.
    PowerLossSafe,
};

struct DatabaseOptions {
    Durability durability = Durability::ProcessCrashSafe;
    // How long a statement waits for another connection's write lock.
    std::chrono::milliseconds busy_timeout{5000};
    // A safety cap on the size of the database file, in pages (PRAGMA
    // max_page_count; 4096-byte pages by default). A write that would grow the
    // file past it fails like a full disk (SQLITE_FULL) and changes nothing.
    // SQLite never sets it below the current size. nullopt: unlimited.
    std::optional<std::int64_t> max_page_count;
    // The page cache of this connection, in KiB (PRAGMA cache_size=-N);
    // nullopt: SQLite's default (2 MiB). Resident memory of the gateway.
    std::optional<std::int64_t> cache_kib;
};

class Database {
public:
    // Opens `path`, creating the file if it is missing; configures the
    // connection; reads the schema so that a file that is not a database fails
    // here; then brings the schema up to date: `migrations[i]` is the SQL (one or
    // more statements) that takes the schema from version i to i + 1, and each
    // step commits in its own transaction together with its new version number.
    // Throws StoreError ("<path>: cannot open: <cause>") if the file cannot be
    // created, opened, read or written, is not a database, or has a schema
    // version newer than migrations.size().
    static Database open(const std::filesystem::path& path, std::span<const std::string_view> migrations,
                         const DatabaseOptions& options = {});

    // Opens an existing database for reading only (PRAGMA query_only), for a
    // reader beside the writer: no file is created, nothing is migrated; the
    // schema must be at least `min_schema_version`. Throws StoreError.
    static Database open_reader(const std::filesystem::path& path, std::int64_t min_schema_version,
                                const DatabaseOptions& options = {});

    Database(Database&&) noexcept = default;
    Database& operator=(Database&&) noexcept = default;
    ~Database() = default;

    // Runs one or more SQL statements that return no rows we need.
    void exec(std::string_view sql);

    const std::string& path() const { return path_; }
    // PRAGMA user_version: the number of migrations applied.
    std::int64_t schema_version() const;
    // True while a transaction is open (between BEGIN and COMMIT/ROLLBACK).
    bool in_transaction() const;

    sqlite3* handle() const { return handle_.get(); }

private:
    struct Closer {
        void operator()(sqlite3* handle) const noexcept;
    };

    Database(std::unique_ptr<sqlite3, Closer> handle, std::string path);

    void configure(const DatabaseOptions& options);
    void migrate(std::span<const std::string_view> migrations);

    std::unique_ptr<sqlite3, Closer> handle_;
    std::string path_;
};

// BEGIN on construction; ROLLBACK on destruction unless commit()
// succeeded. commit() throws StoreError (the transaction is then rolled back by
// the destructor if SQLite has not already done so).
class Transaction {
public:
    // Write: BEGIN IMMEDIATE (takes the write lock now). Read: BEGIN (a read
    // snapshot from the first query on, for several queries that must agree).
    enum class Kind { Write, Read };
    explicit Transaction(Database& database, Kind kind = Kind::Write);
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();

    void commit();

private:
    Database& database_;
    bool done_ = false;
};

}  // namespace wg::store
