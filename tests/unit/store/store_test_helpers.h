// Shared pieces of the BrokerStore tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "local_broker/core/persistence.h"
#include "local_broker/store/database.h"
#include "local_broker/store/schema.h"
#include "local_broker/store/statement.h"

namespace wg::test {

inline codec::Will make_will(const std::string& topic, const std::string& payload) {
    codec::Will will;
    will.topic = topic;
    will.payload = payload;
    will.qos = codec::QoS::AtLeastOnce;
    will.retain = true;
    will.properties.will_delay_interval = 10;
    will.properties.user_properties = {{"site", "north"}, {"rack", "7"}};
    return will;
}

inline core::StoredRetained make_retained(const std::string& topic, const std::string& payload) {
    core::StoredRetained retained;
    retained.topic = topic;
    retained.payload = payload;
    retained.qos = codec::QoS::ExactlyOnce;
    retained.properties.content_type = "text/plain";
    retained.properties.correlation_data = std::string("\x00\x01", 2);
    return retained;
}

// A wall-clock time with whole milliseconds (what the store keeps).
inline core::WallClock::time_point at_ms(std::int64_t ms) {
    return core::WallClock::time_point{std::chrono::milliseconds{ms}};
}

// A second connection to the store's file, as another process would see it.
inline std::int64_t count_rows(const std::filesystem::path& path, std::string_view table) {
    store::Database database = store::Database::open(path, store::broker_schema());
    store::Statement count{database, "SELECT count(*) FROM " + std::string(table)};
    REQUIRE(count.step());
    const std::int64_t rows = count.column_int64(0);
    count.reset();
    return rows;
}

}  // namespace wg::test
