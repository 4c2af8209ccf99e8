#include "local_broker/store/database.h"

#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>

#include "local_broker/store/schema.h"
#include "local_broker/store/statement.h"
#include "temp_dir.h"

namespace {

using wg::store::Database;
using wg::store::DatabaseOptions;
using wg::store::Durability;
using wg::store::Statement;
using wg::store::StoreError;
using wg::test::TempDir;

std::string text_of(const Database& database, std::string_view sql) {
    Statement statement{database, sql};
    REQUIRE(statement.step());
    std::string value = statement.column_text(0);
    statement.reset();
    return value;
}

std::int64_t integer_of(const Database& database, std::string_view sql) {
    Statement statement{database, sql};
    REQUIRE(statement.step());
    const std::int64_t value = statement.column_int64(0);
    statement.reset();
    return value;
}

// The message of the StoreError that opening `path` throws ("" if it opens).
std::string open_error(const std::filesystem::path& path, std::span<const std::string_view> migrations) {
    try {
        Database::open(path, migrations);
    } catch (const StoreError& error) {
        return error.what();
    }
    return {};
}

}  // namespace

TEST_CASE("open_creates_the_file_and_migrates_to_the_latest_schema", "[unit][store]") {
    TempDir dir;
    const auto path = dir.file("willgate.db");
    REQUIRE_FALSE(std::filesystem::exists(path));

    Database database = Database::open(path, wg::store::broker_schema());

    CHECK(std::filesystem::exists(path));
    CHECK(database.path() == path.string());
    CHECK(database.schema_version() == static_cast<std::int64_t>(wg::store::broker_schema().size()));
    CHECK(integer_of(database, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('wills', "
                               "'retained')") == 2);
    CHECK(text_of(database, "PRAGMA journal_mode") == "wal");
    CHECK(integer_of(database, "PRAGMA foreign_keys") == 1);
    CHECK(integer_of(database, "PRAGMA synchronous") == 1);  // NORMAL
    CHECK_FALSE(database.in_transaction());
}

TEST_CASE("power_loss_safe_durability_sets_synchronous_full", "[unit][store]") {
    TempDir dir;
    DatabaseOptions options;
    options.durability = Durability::PowerLossSafe;
    Database database = Database::open(dir.file("willgate.db"), wg::store::broker_schema(), options);
    CHECK(integer_of(database, "PRAGMA synchronous") == 2);  // FULL
}

TEST_CASE("reopening_keeps_the_data_and_the_schema_version", "[unit][store]") {
    TempDir dir;
    const auto path = dir.file("willgate.db");
    {
        Database database = Database::open(path, wg::store::broker_schema());
        database.exec("INSERT INTO retained(topic, payload, qos) VALUES('a/b', x'00ff', 1)");
    }
    Database database = Database::open(path, wg::store::broker_schema());
    CHECK(database.schema_version() == static_cast<std::int64_t>(wg::store::broker_schema().size()));
    Statement select{database, "SELECT topic, payload, qos FROM retained"};
    REQUIRE(select.step());
    CHECK(select.column_text(0) == "a/b");
    CHECK(select.column_blob(1) == std::string("\x00\xff", 2));
    CHECK(select.column_int(2) == 1);
    CHECK_FALSE(select.step());
}

TEST_CASE("migrations_apply_only_the_missing_steps_in_order", "[unit][store]") {
    TempDir dir;
    const auto path = dir.file("migrate.db");
    const std::array<std::string_view, 2> steps{
        "CREATE TABLE first(x INTEGER); INSERT INTO first VALUES(1);",
        "ALTER TABLE first ADD COLUMN y INTEGER DEFAULT 7; CREATE TABLE second(z TEXT);",
    };
    {
        Database database = Database::open(path, std::span{steps}.first(1));
        CHECK(database.schema_version() == 1);
        database.exec("INSERT INTO first VALUES(2)");
    }
    Database database = Database::open(path, steps);
    CHECK(database.schema_version() == 2);
    CHECK(integer_of(database, "SELECT count(*) FROM first") == 2);
    CHECK(integer_of(database, "SELECT sum(y) FROM first") == 14);
    CHECK(integer_of(database, "SELECT count(*) FROM second") == 0);
}

TEST_CASE("a_failed_migration_step_changes_nothing", "[unit][store]") {
    TempDir dir;
    const auto path = dir.file("migrate.db");
    const std::array<std::string_view, 2> steps{"CREATE TABLE first(x INTEGER);",
                                                "CREATE TABLE second(z TEXT); THIS IS NOT SQL;"};
    { Database::open(path, std::span{steps}.first(1)); }
    const std::string message = open_error(path, steps);
    CHECK_THAT(message, Catch::StartsWith(path.string() + ": cannot open: "));

    Database database = Database::open(path, std::span{steps}.first(1));
    CHECK(database.schema_version() == 1);
    CHECK(integer_of(database, "SELECT count(*) FROM sqlite_master WHERE name = 'second'") == 0);
}

TEST_CASE("a_database_from_a_newer_schema_version_is_refused_naming_the_path", "[unit][store]") {
    TempDir dir;
    const auto path = dir.file("willgate.db");
    {
        Database database = Database::open(path, wg::store::broker_schema());
        database.exec("PRAGMA user_version = 99");
    }
    const std::string message = open_error(path, wg::store::broker_schema());
    CHECK_THAT(message, Catch::StartsWith(path.string() + ": cannot open: schema version 99 is newer"));
    CHECK_THAT(message, Catch::Contains("supports (" + std::to_string(wg::store::broker_schema().size()) + ")"));
}

TEST_CASE("a_version_1_database_migrates_to_the_current_schema_keeping_its_rows", "[unit][store]") {
    TempDir dir;
    const auto path = dir.file("willgate.db");
    {
        Database database = Database::open(path, wg::store::broker_schema().first(1));
        database.exec("INSERT INTO retained(topic, payload, qos) VALUES('a/b', 'on', 1)");
        CHECK(database.schema_version() == 1);
    }
    Database database = Database::open(path, wg::store::broker_schema());
    CHECK(database.schema_version() == static_cast<std::int64_t>(wg::store::broker_schema().size()));
    Statement retained{database, "SELECT payload FROM retained WHERE topic = 'a/b'"};
    REQUIRE(retained.step());
    CHECK(retained.column_text(0) == "on");
    Statement sessions{database, "SELECT count(*) FROM sessions"};
    REQUIRE(sessions.step());
    CHECK(sessions.column_int(0) == 0);
}

TEST_CASE("a_file_that_is_not_a_database_is_refused_naming_the_path_and_cause", "[unit][store]") {
    TempDir dir;
    const auto path = dir.file("willgate.db");
    {
        std::mt19937 random{12345};
        std::ofstream out{path, std::ios::binary};
        for (int i = 0; i < 8192; ++i) out.put(static_cast<char>(random() & 0xff));
    }
    CHECK(open_error(path, wg::store::broker_schema()) == path.string() + ": cannot open: file is not a database");
    CHECK(std::filesystem::file_size(path) == 8192);  // left as it was
}

TEST_CASE("a_missing_directory_is_reported_naming_the_path_and_cause", "[unit][store]") {
    TempDir dir;
    const auto path = dir.file("no-such-dir") / "willgate.db";
    const std::string message = open_error(path, wg::store::broker_schema());
    CHECK(message == path.string() + ": cannot open: unable to open database file (the directory does not exist)");
    CHECK_FALSE(std::filesystem::exists(path.parent_path()));
}

TEST_CASE("a_directory_in_place_of_the_file_is_refused", "[unit][store]") {
    TempDir dir;
    const auto path = dir.file("willgate.db");
    std::filesystem::create_directory(path);
    CHECK_THAT(open_error(path, wg::store::broker_schema()), Catch::StartsWith(path.string() + ": cannot open: "));
}

TEST_CASE("an_unreadable_file_is_refused_naming_the_path", "[unit][store]") {
    if (wg::test::running_as_root()) {
        WARN("skipped: root reads any file");
        return;
    }
    TempDir dir;
    const auto path = dir.file("willgate.db");
    { Database::open(path, wg::store::broker_schema()); }
    std::filesystem::permissions(path, std::filesystem::perms::none);
    CHECK_THAT(open_error(path, wg::store::broker_schema()), Catch::StartsWith(path.string() + ": cannot open: "));
}

TEST_CASE("a_read_only_file_is_refused_rather_than_opened_read_only", "[unit][store]") {
    if (wg::test::running_as_root()) {
        WARN("skipped: root writes any file");
        return;
    }
    TempDir dir;
    const auto path = dir.file("willgate.db");
    { Database::open(path, wg::store::broker_schema()); }
    std::filesystem::permissions(path, std::filesystem::perms::owner_read);
    CHECK(open_error(path, wg::store::broker_schema()) == path.string() + ": cannot open: the file is read-only");
}

TEST_CASE("a_read_only_directory_is_reported_naming_the_path", "[unit][store]") {
    if (wg::test::running_as_root()) {
        WARN("skipped: root writes into any directory");
        return;
    }
    TempDir dir;
    const auto existing = dir.file("existing.db");
    { Database::open(existing, wg::store::broker_schema()); }  // closing removes its -wal and -shm
    std::filesystem::permissions(dir.path(), std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);

    SECTION("a new file cannot be created") {
        const auto path = dir.file("willgate.db");
        CHECK(open_error(path, wg::store::broker_schema()) ==
              path.string() + ": cannot open: unable to open database file (the directory is not writable (" +
                  std::strerror(EACCES) + "))");
    }
    SECTION("an existing file cannot get its WAL files") {
        CHECK_THAT(open_error(existing, wg::store::broker_schema()),
                   Catch::StartsWith(existing.string() + ": cannot open: ") &&
                       Catch::Contains("the directory is not writable"));
    }
}

TEST_CASE("statement_binds_and_reads_every_kind_of_value", "[unit][store]") {
    TempDir dir;
    Database database = Database::open(dir.file("values.db"), {});
    database.exec("CREATE TABLE t(i INTEGER, big INTEGER, s TEXT, b BLOB, n BLOB)");

    Statement insert{database, "INSERT INTO t VALUES(?1, ?2, ?3, ?4, ?5)"};
    const std::string binary("\x00\x01\xfe\xff", 4);
    insert.bind_int(1, -7);
    insert.bind_int64(2, 1'700'000'000'123);
    insert.bind_text(3, "ünïcode");
    insert.bind_blob(4, binary);
    insert.bind_null(5);
    insert.run();
    insert.bind_int(1, 0);
    insert.bind_int64(2, 0);
    insert.bind_text(3, std::string_view{});
    insert.bind_blob(4, std::string_view{});
    insert.bind_blob(5, "");
    insert.run();

    Statement select{database, "SELECT i, big, s, b, n, typeof(s), typeof(b), typeof(n) FROM t ORDER BY rowid"};
    REQUIRE(select.step());
    CHECK(select.column_int(0) == -7);
    CHECK(select.column_int64(1) == 1'700'000'000'123);
    CHECK(select.column_text(2) == "ünïcode");
    CHECK(select.column_blob(3) == binary);
    CHECK(select.column_is_null(4));
    REQUIRE(select.step());
    CHECK(select.column_text(2).empty());
    CHECK(select.column_text(5) == "text");  // empty, not NULL
    CHECK(select.column_text(6) == "blob");
    CHECK(select.column_text(7) == "blob");
    CHECK_FALSE(select.step());
}

TEST_CASE("statement_errors_name_the_path", "[unit][store]") {
    TempDir dir;
    const auto path = dir.file("errors.db");
    Database database = Database::open(path, {});
    database.exec("CREATE TABLE t(k TEXT PRIMARY KEY NOT NULL)");
    try {
        Statement bad{database, "SELECT x FROM nowhere"};
        FAIL("prepared a statement on a missing table");
    } catch (const StoreError& error) {
        CHECK_THAT(error.what(), Catch::StartsWith(path.string() + ": cannot prepare"));
        CHECK_THAT(error.cause(), Catch::Contains("no such table: nowhere"));
    }
    Statement insert{database, "INSERT INTO t VALUES(?1)"};
    insert.bind_text(1, "x");
    insert.run();
    insert.bind_text(1, "x");
    CHECK_THROWS_AS(insert.run(), StoreError);
    insert.bind_text(1, "y");  // usable again after the failure
    insert.run();
    CHECK(integer_of(database, "SELECT count(*) FROM t") == 2);
}

TEST_CASE("a_transaction_that_is_not_committed_is_rolled_back", "[unit][store]") {
    TempDir dir;
    Database database = Database::open(dir.file("tx.db"), {});
    database.exec("CREATE TABLE t(x INTEGER)");
    {
        wg::store::Transaction transaction{database};
        database.exec("INSERT INTO t VALUES(1)");
        CHECK(database.in_transaction());
    }
    CHECK_FALSE(database.in_transaction());
    CHECK(integer_of(database, "SELECT count(*) FROM t") == 0);
    {
        wg::store::Transaction transaction{database};
        database.exec("INSERT INTO t VALUES(2)");
        transaction.commit();
    }
    CHECK(integer_of(database, "SELECT count(*) FROM t") == 1);
}
