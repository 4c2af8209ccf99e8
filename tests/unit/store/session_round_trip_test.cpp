// Persistent sessions through the real SQLite store: what one broker wrote, a
// broker started on the same database file gives back to the client.
#include "local_broker/store/broker_store.h"
#include "local_broker/store/schema.h"
#include "local_broker/store/statement.h"
#include "tests/unit/core/broker_harness.h"
#include "tests/unit/store/temp_dir.h"

using namespace wg;
using namespace wg::test;
using namespace std::chrono_literals;
using codec::QoS;

namespace {

ConnectOptions persistent_v5() {
    ConnectOptions options;
    options.version = codec::ProtocolVersion::Mqtt5;
    options.clean_session = false;
    options.properties.session_expiry_interval = 3600;
    return options;
}

// A broker with its store, as gateway/ composes them (commits are applied by flush()).
struct Gateway {
    explicit Gateway(const std::filesystem::path& path) : store{path} {
        harness.broker.set_persistence(&store);
        harness.broker.restore(store.load());
    }
    void commit() {
        REQUIRE(store.flush());
        harness.broker.on_persisted(store.last_sequence());
    }
    store::BrokerStore store;
    BrokerHarness harness;
};

}  // namespace

TEST_CASE("a persistent session's subscriptions, queued and in-flight messages survive a restart",
          "[unit][store][session]") {
    TempDir dir;
    const auto path = dir.file("willgate.db");
    std::uint16_t inflight_id = 0;
    {
        Gateway first{path};
        auto& h = first.harness;
        auto dev = h.connect("dev", persistent_v5());
        dev->send(codec::Subscribe{1, {{"cmd/#", QoS::AtLeastOnce}}, {}});
        dev->send(codec::Subscribe{2, {{"q/#", QoS::ExactlyOnce}}, {}});
        first.commit();
        dev->received();
        auto pub = h.connect("pub", persistent_v5());
        codec::Properties properties;
        properties.user_properties = {{"k", "v"}};
        properties.message_expiry_interval = 600;
        properties.content_type = "text/plain";
        pub->send(codec::Publish{"cmd/1", "one", QoS::AtLeastOnce, false, false, 1, properties});
        first.commit();
        CHECK(pub->received().size() == 1);  // its PUBACK
        auto delivered = dev->publishes();
        REQUIRE(delivered.size() == 1);
        inflight_id = delivered[0].packet_id;  // not acknowledged: in flight at the "crash"
        dev->drop();
        pub->send(codec::Publish{"cmd/2", "two", QoS::AtLeastOnce, false, false, 2, {}});
        pub->send(codec::Publish{"q/3", "three", QoS::ExactlyOnce, false, false, 3, {}});  // PUBREL never sent
        pub->send(codec::Publish{"other", "not for dev", QoS::AtLeastOnce, false, false, 4, {}});
        first.commit();
        CHECK(pub->received().size() == 3);  // PUBACK, PUBREC, PUBACK: all released by the commit
    }  // no graceful shutdown: the broker is simply gone

    Gateway second{path};
    auto& h = second.harness;
    CHECK(h.broker.stats().sessions == 2);
    auto dev = h.connect("dev", persistent_v5());
    CHECK(h.last_session_present);
    auto resent = dev->publishes();
    REQUIRE(resent.size() == 3);
    CHECK(resent[0].payload == "one");
    CHECK(resent[0].packet_id == inflight_id);
    CHECK(resent[0].dup);
    CHECK(resent[0].properties.user_properties == std::vector<codec::UserProperty>{{"k", "v"}});
    CHECK(resent[0].properties.content_type == "text/plain");
    REQUIRE(resent[0].properties.message_expiry_interval);
    CHECK(*resent[0].properties.message_expiry_interval <= 600);
    CHECK(resent[1].payload == "two");
    CHECK(resent[2].payload == "three");
    CHECK(resent[2].qos == QoS::ExactlyOnce);

    // The publisher's QoS 2 id is remembered: its PUBREL completes normally.
    auto pub = h.connect("pub", persistent_v5());
    pub->send(codec::Pubrel{3, codec::ReasonCode::Success, {}});
    auto packets = pub->received();
    REQUIRE(packets.size() == 1);
    CHECK(std::get<codec::Pubcomp>(packets[0]).reason == codec::ReasonCode::Success);

    // Acknowledged deliveries are gone from the store; the subscriptions still route.
    for (const auto& publish : resent) {
        if (publish.qos == QoS::AtLeastOnce) dev->send(codec::Puback{publish.packet_id, codec::ReasonCode::Success, {}});
        else dev->send(codec::Pubrec{publish.packet_id, codec::ReasonCode::Success, {}});
    }
    for (auto& packet : dev->received())
        if (auto* pubrel = std::get_if<codec::Pubrel>(&packet))
            dev->send(codec::Pubcomp{pubrel->packet_id, codec::ReasonCode::Success, {}});
    pub->send(codec::Publish{"cmd/4", "four", QoS::AtLeastOnce, false, false, 5, {}});
    second.commit();
    auto live = dev->publishes();
    REQUIRE(live.size() == 1);
    CHECK(live[0].payload == "four");
    dev->send(codec::Puback{live[0].packet_id, codec::ReasonCode::Success, {}});
    second.commit();
    store::Database database = store::Database::open(path, store::broker_schema());
    store::Statement count{database, "SELECT count(*) FROM deliveries"};
    REQUIRE(count.step());
    CHECK(count.column_int(0) == 0);
}

TEST_CASE("a session that expired while the gateway was stopped is gone after the restart", "[unit][store][session]") {
    TempDir dir;
    const auto path = dir.file("willgate.db");
    {
        Gateway first{path};
        ConnectOptions options = persistent_v5();
        options.properties.session_expiry_interval = 5;
        auto dev = first.harness.connect("dev", options);
        dev->send(codec::Subscribe{1, {{"cmd/#", QoS::AtLeastOnce}}, {}});
        dev->send(codec::Disconnect{});
        first.commit();
    }
    Gateway second{path};
    auto& h = second.harness;
    CHECK(h.broker.stats().sessions == 1);
    h.clock.advance(6s);  // ManualClock's wall time moves with it
    h.broker.tick();
    CHECK(h.broker.stats().sessions == 0);
    second.commit();
    store::Database database = store::Database::open(path, store::broker_schema());
    store::Statement count{database, "SELECT (SELECT count(*) FROM sessions) + (SELECT count(*) FROM subscriptions)"};
    REQUIRE(count.step());
    CHECK(count.column_int(0) == 0);
}
