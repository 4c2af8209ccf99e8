// The $SYS topics carry the status figures under Mosquitto's topic names.
#include <map>

#include <catch2/catch.hpp>

#include "local_broker/core/sys_topics.h"

TEST_CASE("$SYS topics carry the broker's figures under Mosquitto's names", "[unit][sys]") {
    wg::broker::BrokerStatus status;
    status.version = "1.2.3";
    status.started_ms = 1'000;
    status.updated_ms = 62'999;
    status.clients_connected = 7;
    status.clients_disconnected = 2;
    status.clients_total = 9;
    status.subscriptions = 11;
    status.retained_messages = 13;
    status.messages_received = 17;
    status.messages_sent = 19;
    status.messages_dropped = 23;
    status.bytes_received = 29;
    status.bytes_sent = 31;
    status.wills_published = 37;
    const auto list = wg::core::sys_topics(status);
    const std::map<std::string, std::string> topics(list.begin(), list.end());
    CHECK(topics.size() == list.size());  // no topic twice
    CHECK(topics.at("$SYS/broker/version") == "willgate version 1.2.3");
    CHECK(topics.at("$SYS/broker/uptime") == "61 seconds");
    CHECK(topics.at("$SYS/broker/clients/connected") == "7");
    CHECK(topics.at("$SYS/broker/clients/disconnected") == "2");
    CHECK(topics.at("$SYS/broker/clients/total") == "9");
    CHECK(topics.at("$SYS/broker/subscriptions/count") == "11");
    CHECK(topics.at("$SYS/broker/retained messages/count") == "13");
    CHECK(topics.at("$SYS/broker/messages/received") == "17");
    CHECK(topics.at("$SYS/broker/messages/sent") == "19");
    CHECK(topics.at("$SYS/broker/publish/messages/dropped") == "23");
    CHECK(topics.at("$SYS/broker/bytes/received") == "29");
    CHECK(topics.at("$SYS/broker/bytes/sent") == "31");
    CHECK(topics.at("$SYS/broker/wills/published") == "37");
    for (const auto& [topic, payload] : list) CHECK(topic.rfind("$SYS/broker/", 0) == 0);
}

TEST_CASE("uptime never goes negative when the clock steps back", "[unit][sys]") {
    wg::broker::BrokerStatus status;
    status.started_ms = 10'000;
    status.updated_ms = 5'000;
    const auto list = wg::core::sys_topics(status);
    const std::map<std::string, std::string> topics(list.begin(), list.end());
    CHECK(topics.at("$SYS/broker/uptime") == "0 seconds");
}
