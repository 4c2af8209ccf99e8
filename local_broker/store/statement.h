#pragma once
// A prepared SQL statement: prepare once, then bind, step and reset as often
// as needed.
//
// Parameters are numbered from 1 (SQLite's `?` order); result columns from 0.
// step() resets the statement by itself when it reports the end of the rows or
// throws, so a statement never keeps a read transaction open by accident.
//
// Threading and lifetime: those of the Database it was prepared on, which must
// outlive it. Errors: StoreError naming the database file.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "local_broker/store/database.h"

struct sqlite3_stmt;

namespace wg::store {

class Statement {
public:
    Statement(const Database& database, std::string_view sql);
    Statement(Statement&&) noexcept = default;
    Statement& operator=(Statement&&) noexcept = default;
    ~Statement() = default;

    void bind_int(int index, int value);
    void bind_int64(int index, std::int64_t value);
    void bind_text(int index, std::string_view value);
    // Stored as a BLOB; an empty value is an empty BLOB, never NULL.
    void bind_blob(int index, std::string_view bytes);
    void bind_null(int index);

    // Runs the statement to its next row: true when a row is ready to read,
    // false when there are no more (the statement is then reset).
    bool step();
    // step() for statements that return no rows (INSERT, UPDATE, DELETE).
    void run();
    // Ready to run again; clears the bindings.
    void reset() noexcept;

    bool column_is_null(int column) const;
    int column_int(int column) const;
    std::int64_t column_int64(int column) const;
    std::string column_text(int column) const;
    std::string column_blob(int column) const;

private:
    struct Finalizer {
        void operator()(sqlite3_stmt* statement) const noexcept;
    };

    [[noreturn]] void fail(std::string_view action) const;
    void check_bind(int result, int index) const;

    sqlite3* database_ = nullptr;
    std::string path_;
    std::unique_ptr<sqlite3_stmt, Finalizer> statement_;
};

}  // namespace wg::store
