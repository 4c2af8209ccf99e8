#include "local_broker/store/statement.h"

#include <sqlite3.h>

namespace wg::store {

void Statement::Finalizer::operator()(sqlite3_stmt* statement) const noexcept { sqlite3_finalize(statement); }

Statement::Statement(const Database& database, std::string_view sql)
    : database_{database.handle()}, path_{database.path()} {
    sqlite3_stmt* raw = nullptr;
    const int result =
        sqlite3_prepare_v2(database_, sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
    statement_.reset(raw);
    if (result != SQLITE_OK)
        throw StoreError{path_, "cannot prepare '" + std::string(sql.substr(0, sql.find('('))) + "'",
                         sqlite3_errmsg(database_), result & 0xff};
}

void Statement::fail(std::string_view action) const {
    const int code = sqlite3_extended_errcode(database_);
    throw StoreError{path_, action, sqlite3_errmsg(database_), code & 0xff};
}

void Statement::check_bind(int result, int index) const {
    if (result != SQLITE_OK) fail("cannot bind parameter " + std::to_string(index));
}

void Statement::bind_int(int index, int value) { check_bind(sqlite3_bind_int(statement_.get(), index, value), index); }

void Statement::bind_int64(int index, std::int64_t value) {
    check_bind(sqlite3_bind_int64(statement_.get(), index, value), index);
}

void Statement::bind_text(int index, std::string_view value) {
    // A null pointer would bind NULL; an empty value is the empty string.
    const char* data = value.data() != nullptr ? value.data() : "";
    check_bind(sqlite3_bind_text64(statement_.get(), index, data, value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
               index);
}

void Statement::bind_blob(int index, std::string_view bytes) {
    if (bytes.empty()) {
        check_bind(sqlite3_bind_zeroblob(statement_.get(), index, 0), index);
        return;
    }
    check_bind(sqlite3_bind_blob64(statement_.get(), index, bytes.data(), bytes.size(), SQLITE_TRANSIENT), index);
}

void Statement::bind_null(int index) { check_bind(sqlite3_bind_null(statement_.get(), index), index); }

bool Statement::step() {
    const int result = sqlite3_step(statement_.get());
    if (result == SQLITE_ROW) return true;
    if (result == SQLITE_DONE) {
        sqlite3_reset(statement_.get());
        return false;
    }
    // Read the message before reset, which may replace it.
    const std::string cause = sqlite3_errmsg(database_);
    sqlite3_reset(statement_.get());
    const char* sql = sqlite3_sql(statement_.get());
    const std::string_view text = sql != nullptr ? sql : "";
    throw StoreError{path_, "cannot run '" + std::string(text.substr(0, text.find('('))) + "'", cause,
                     result & 0xff};
}

void Statement::run() {
    if (step()) reset();
}

void Statement::reset() noexcept {
    sqlite3_reset(statement_.get());
    sqlite3_clear_bindings(statement_.get());
}

bool Statement::column_is_null(int column) const {
    return sqlite3_column_type(statement_.get(), column) == SQLITE_NULL;
}

int Statement::column_int(int column) const { return sqlite3_column_int(statement_.get(), column); }

std::int64_t Statement::column_int64(int column) const { return sqlite3_column_int64(statement_.get(), column); }

std::string Statement::column_text(int column) const {
    const auto* text = sqlite3_column_text(statement_.get(), column);
    const int size = sqlite3_column_bytes(statement_.get(), column);
    if (text == nullptr || size <= 0) return {};
    return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

std::string Statement::column_blob(int column) const {
    const void* blob = sqlite3_column_blob(statement_.get(), column);
    const int size = sqlite3_column_bytes(statement_.get(), column);
    if (blob == nullptr || size <= 0) return {};
    return std::string(static_cast<const char*>(blob), static_cast<std::size_t>(size));
}

}  // namespace wg::store
