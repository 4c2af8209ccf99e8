#include <catch2/catch.hpp>

#include <string>

#include "web/metrics_text.h"

using namespace wg::web;

namespace {
bool has_line(const std::string& text, const std::string& line) {
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}
}  // namespace

TEST_CASE("prometheus_label_values_are_escaped", "[unit][web]") {
    CHECK(escape_label_value("plain") == "plain");
    CHECK(escape_label_value("a\\b") == "a\\\\b");
    CHECK(escape_label_value("say \"hi\"") == "say \\\"hi\\\"");
    CHECK(escape_label_value("two\nlines") == "two\\nlines");
    CHECK(escape_label_value("[::]:1883") == "[::]:1883");
}

TEST_CASE("metrics_text_has_every_metric_with_help_and_type", "[unit][web]") {
    wg::broker::BrokerStatus status;
    status.started_ms = 1'000'000;
    status.clients_connected = 3;
    status.messages_received = 10;
    status.messages_sent = 20;
    status.bytes_received = 300;
    status.bytes_sent = 400;
    status.wills_by_cause = {{"keep-alive-timeout", 2}, {"we\"ird\n", 1}};
    status.disconnects_by_cause = {{"disconnect", 5}};
    status.listeners = {{"[::]:1883", 3, 9}};
    const std::string text = metrics_text(status, DeviceCounts{2, 7}, 1'061'500);

    CHECK(has_line(text, "# TYPE willgate_clients_connected gauge"));
    CHECK(has_line(text, "willgate_clients_connected 3"));
    CHECK(has_line(text, "# TYPE willgate_messages_received_total counter"));
    CHECK(has_line(text, "willgate_messages_received_total 10"));
    CHECK(has_line(text, "willgate_messages_sent_total 20"));
    CHECK(has_line(text, "willgate_bytes_received_total 300"));
    CHECK(has_line(text, "willgate_bytes_sent_total 400"));
    CHECK(has_line(text, "willgate_wills_published_total{cause=\"keep-alive-timeout\"} 2"));
    CHECK(has_line(text, "willgate_wills_published_total{cause=\"we\\\"ird\\n\"} 1"));
    CHECK(has_line(text, "willgate_disconnects_total{cause=\"disconnect\"} 5"));
    CHECK(has_line(text, "willgate_listener_connections{listener=\"[::]:1883\"} 3"));
    CHECK(has_line(text, "willgate_devices{state=\"online\"} 2"));
    CHECK(has_line(text, "willgate_devices{state=\"offline\"} 7"));
    CHECK(has_line(text, "willgate_uptime_seconds 61"));
    // Every sample line belongs to a metric that has HELP and TYPE, and the text ends in a newline.
    CHECK(text.back() == '\n');
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        const std::string line = text.substr(start, end - start);
        if (!line.starts_with("#")) {
            const std::string name = line.substr(0, line.find_first_of("{ "));
            CHECK(has_line(text, "# TYPE " + name + (name.ends_with("_total") ? " counter" : " gauge")));
            CHECK(text.find("# HELP " + name + " ") != std::string::npos);
        }
        start = end + 1;
    }
}

TEST_CASE("metrics_text_has_one_series_per_bridge_and_none_without_bridges", "[unit][web]") {
    wg::broker::BrokerStatus status;
    CHECK(metrics_text(status, DeviceCounts{0, 0}, 0).find("willgate_bridge") == std::string::npos);
    wg::broker::BridgeStatus aws;
    aws.name = "aws";
    aws.connected = true;
    aws.backlog_messages = 12;
    aws.backlog_bytes = 3400;
    aws.sent = 100;
    aws.acked = 88;
    aws.dropped = 2;
    aws.rejected = 1;
    aws.received = 4;
    wg::broker::BridgeStatus spare;
    spare.name = "spare \"b\"";
    status.bridges = {aws, spare};
    const std::string text = metrics_text(status, DeviceCounts{0, 0}, 0);
    CHECK(has_line(text, "# TYPE willgate_bridge_connected gauge"));
    CHECK(has_line(text, "willgate_bridge_connected{bridge=\"aws\"} 1"));
    CHECK(has_line(text, "willgate_bridge_connected{bridge=\"spare \\\"b\\\"\"} 0"));
    CHECK(has_line(text, "willgate_bridge_backlog_messages{bridge=\"aws\"} 12"));
    CHECK(has_line(text, "willgate_bridge_backlog_bytes{bridge=\"aws\"} 3400"));
    CHECK(has_line(text, "# TYPE willgate_bridge_sent_total counter"));
    CHECK(has_line(text, "willgate_bridge_sent_total{bridge=\"aws\"} 100"));
    CHECK(has_line(text, "willgate_bridge_acked_total{bridge=\"aws\"} 88"));
    CHECK(has_line(text, "willgate_bridge_dropped_total{bridge=\"aws\"} 2"));
    CHECK(has_line(text, "willgate_bridge_rejected_total{bridge=\"aws\"} 1"));
    CHECK(has_line(text, "willgate_bridge_received_total{bridge=\"aws\"} 4"));
}
