#include "gateway/gateway.h"

#include <csignal>
#include <filesystem>
#include <memory>
#include <optional>

#include <asio.hpp>

#include "bridge/bridge_set.h"
#include "common/clock.h"
#include "common/log.h"
#include "gateway/command_line.h"
#include "gateway/bridge_settings.h"
#include "gateway/broker_loop_publisher.h"
#include "gateway/data_directory.h"
#include "gateway/gateway_status.h"
#include "local_broker/core/broker.h"
#include "local_broker/liveness/device_status_topics.h"
#include "local_broker/liveness/liveness_recorder.h"
#include "local_broker/liveness/memory_liveness.h"
#include "local_broker/net/broker_server.h"
#include "local_broker/net/endpoint_name.h"
#include "local_broker/store/broker_store.h"
#include "local_broker/store/liveness_reader.h"
#include "local_broker/store/outbox_reader.h"
#include "web/web_server.h"

namespace wg::gateway {
namespace {

core::BrokerSettings broker_settings(const config::Limits& limits) {
    core::BrokerSettings settings;
    settings.max_inflight_messages = limits.max_inflight_messages;
    settings.max_queued_messages = limits.max_queued_messages;
    settings.max_output_buffer = limits.max_output_buffer;
    settings.connect_timeout = std::chrono::seconds(limits.connect_timeout);
    settings.max_packet_size = limits.max_packet_size;
    settings.max_topic_alias = limits.max_topic_alias;
    settings.max_keep_alive = limits.max_keep_alive;
    return settings;
}

net::NetSettings net_settings(const config::Limits& limits, const config::Monitoring& monitoring) {
    net::NetSettings settings;
    settings.max_packet_size = limits.max_packet_size;
    settings.max_connections = limits.max_connections;
    settings.max_output_buffer = limits.max_output_buffer;
    settings.version = std::string(version());
    settings.sys_interval = std::chrono::seconds(monitoring.sys_interval);
    return settings;
}

web::WebSettings web_settings(const config::Web& web) {
    web::WebSettings settings;
    // "localhost" is this machine's IPv4 loopback, whatever the resolver says.
    settings.bind = web.bind == "localhost" ? "127.0.0.1" : web.bind;
    settings.port = web.port;
    for (const config::WebUser& user : web.users) {
        settings.users.push_back(web::WebUser{user.name, user.password_hash});
    }
    settings.tls_cert = web.tls_cert;
    settings.tls_key = web.tls_key;
    settings.max_streams = web.max_streams;
    settings.public_metrics = web.public_metrics;
    return settings;
}

// SQLite's page cache per connection (its default is 2 MiB each): the writer's
// working set is the tables' upper levels and the pages being appended to; the
// reader serves the dashboard. Both read the rest through the OS page cache.
// (Measured: 1 MiB for the writer cost 0.1 KiB per idle device at 10,000.)
constexpr std::int64_t kWriterCacheKib = 256;
constexpr std::int64_t kReaderCacheKib = 256;
// Each bridge's outbox reader walks the (bridge, id) index in order.
constexpr std::int64_t kOutboxReaderCacheKib = 128;

}  // namespace

int run(const config::Config& config) {
    // A file size limit (ulimit -f) makes a write fail with EFBIG, which the
    // store reports and survives, instead of killing the gateway.
    std::signal(SIGXFSZ, SIG_IGN);
    // A dashboard client that goes away mid-response makes the write fail instead.
    std::signal(SIGPIPE, SIG_IGN);
    DataDirectory data_directory(config.storage.data_dir);
    asio::io_context io(1);
    SteadyClock clock;
    core::Broker broker(broker_settings(config.limits), clock);
    // Wills of live connections, retained messages and persistent sessions; what
    // the previous run left behind is published or restored before the first
    // client connects. With durability "none" they live in memory only.
    std::optional<store::BrokerStore> store;
    // Device liveness: the recorder writes every connection, disconnection and
    // Will through to the store (in memory with durability "none"); the reader
    // serves snapshots and the change stream.
    const liveness::HistoryRetention retention{std::chrono::hours(24) * config.liveness.history_max_days,
                                               config.liveness.history_max_rows};
    std::optional<liveness::LivenessRecorder> liveness_recorder;
    std::optional<store::StoredLivenessReader> stored_liveness;
    std::optional<liveness::MemoryLiveness> memory_liveness;
    liveness::LivenessReader* liveness_reader = nullptr;
    // Cloud bridges: their taps see every routed message from the first one on
    // (the Wills restored below included); they connect once the broker runs.
    BrokerLoopPublisher downlink_publisher(io, broker);  // outlives the bridges that use it
    bridge::BridgeSet bridges;
    if (config.storage.durability != "none") {
        store::BrokerStoreOptions store_options;
        store_options.database.durability = config.storage.durability == "power-loss"
                                                ? store::Durability::PowerLossSafe
                                                : store::Durability::ProcessCrashSafe;
        store_options.database.cache_kib = kWriterCacheKib;
        // An absolute storage.database replaces the directory part.
        store.emplace(std::filesystem::path(data_directory.path()) / config.storage.database, store_options);
        core::StoredState stored = store->load();
        store->set_history_retention(retention);
        // Before the broker publishes the Wills they lost: devices the previous
        // run left online go offline now, with cause gateway-restart.
        if (const std::size_t lost = store->mark_devices_offline_after_restart(wall_ms(clock)); lost > 0)
            log::warning(std::to_string(lost) +
                         " devices were connected when the gateway stopped uncleanly; they are offline since now "
                         "(cause gateway-restart)");
        store::DatabaseOptions reader_options;
        reader_options.cache_kib = kReaderCacheKib;
        stored_liveness.emplace(*store, reader_options);
        liveness_reader = &*stored_liveness;
        liveness_recorder.emplace(clock, *store);
        broker.add_observer(*liveness_recorder);
        broker.set_persistence(&*store);
        for (const config::Bridge& bridge_config : config.bridges) {
            bridge::BridgeSettings settings = bridge_settings(bridge_config);
            store->configure_outbox(settings.name, settings.outbox);
            store::DatabaseOptions outbox_reader_options;
            outbox_reader_options.cache_kib = kOutboxReaderCacheKib;
            auto reader = std::make_unique<store::StoredOutboxReader>(store->path(), settings.name, outbox_reader_options);
            auto& cloud = bridges.add(std::make_unique<bridge::CloudBridge>(
                std::move(settings), clock, *store, std::move(reader),
                bridge::BridgePorts{&*stored_liveness, &downlink_publisher}, bridge_profile(bridge_config)));
            broker.add_message_tap(cloud.tap());
        }
        // Commits are reported on the writer thread; the broker hears of them on
        // its loop, readers of liveness at once.
        store->set_commit_listener([&io, &broker, &stored_liveness, &bridges](std::uint64_t sequence) {
            asio::post(io, [&broker, sequence] { broker.on_persisted(sequence); });
            stored_liveness->notify_committed();
            bridges.notify_committed(sequence);
        });
        store->set_failure_listener([&io, &broker] { asio::post(io, [&broker] { broker.on_persist_failed(); }); });
        broker.restore(std::move(stored));
        store->start();
    } else {
        log::warning(
            "storage.durability is \"none\": Wills, retained messages, sessions and device liveness are not stored");
        memory_liveness.emplace(retention);
        liveness_reader = &*memory_liveness;
        liveness_recorder.emplace(clock, *memory_liveness);
        broker.add_observer(*liveness_recorder);
    }
    // $SYS/willgate/devices/{client id}/status: changes published as they
    // happen (posted: observers must not call the broker), current statuses
    // read from the registry for each new subscription.
    std::function<void()> make_registry_current;
    if (store) make_registry_current = [&store] { store->flush(); };
    liveness::DeviceStatusTopics status_topics(
        clock, *liveness_reader,
        [&io, &broker](std::string topic, std::string payload) {
            asio::post(io, [&broker, topic = std::move(topic), payload = std::move(payload)]() mutable {
                broker.publish_local(std::move(topic), std::move(payload), false);
            });
        },
        make_registry_current);
    broker.add_observer(status_topics);
    broker.add_retained_source(status_topics);

    net::BrokerServer server(io, broker, net_settings(config.limits, config.monitoring));
    const GatewayStatus gateway_status(server.status(), bridges);
    // The dashboard reads liveness and the broker's figures from its own threads.
    std::unique_ptr<web::WebServer> web_server;
    // Before the first "listening on": whoever read that line may stop us at once.
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const std::error_code& error, int signal_number) {
        if (error) return;
        log::info(std::string("received ") + (signal_number == SIGINT ? "SIGINT" : "SIGTERM") + ", stopping");
        if (web_server) {
            web_server->stop();  // before the broker, so nothing reads a broker that is going away
        }
        server.stop();
    });

    for (const auto& listener : config.listeners) {
        const auto endpoint = server.listen(listener.bind, listener.port);
        log::info("listening on " + net::endpoint_name(endpoint));
    }

    server.start();
    bridges.start();
    if (config.web.enabled) {
        web_server =
            std::make_unique<web::WebServer>(web_settings(config.web), *liveness_reader, gateway_status, clock);
        web_server->start();
        log::info("dashboard on " + web_server->url());
    } else {
        log::info("dashboard disabled (web.enabled = false)");
    }
    log::info("willgate " + std::string(version()) + " running; data directory " + data_directory.path());
    io.run();
    if (web_server) {
        web_server->stop();
    }
    // After the broker's shutdown queued the Wills it published: what the
    // cloud has not acknowledged stays in the outbox for the next run.
    bridges.stop();
    if (store) {
        store->stop();                  // commits what the shutdown queued (the Wills it published)
        store->set_commit_listener({});  // nothing may post to the loop once it is gone
        store->set_failure_listener({});
    }
    log::info("stopped");
    return kExitOk;
}

}  // namespace wg::gateway
