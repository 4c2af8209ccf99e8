#include "gateway/gateway.h"

#include <csignal>
#include <filesystem>
#include <memory>
#include <optional>

#include <asio.hpp>

#include "common/clock.h"
#include "common/log.h"
#include "gateway/command_line.h"
#include "gateway/data_directory.h"
#include "gateway/placeholder_ports.h"
#include "local_broker/core/broker.h"
#include "local_broker/net/broker_server.h"
#include "local_broker/net/endpoint_name.h"
#include "local_broker/store/broker_store.h"
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

net::NetSettings net_settings(const config::Limits& limits) {
    net::NetSettings settings;
    settings.max_packet_size = limits.max_packet_size;
    settings.max_connections = limits.max_connections;
    settings.max_output_buffer = limits.max_output_buffer;
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

std::int64_t wall_clock_ms(const Clock& clock) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(clock.wall_now().time_since_epoch()).count();
}

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
    // What the dashboard reads. TEMPORARY placeholders until the liveness registry and the
    // broker's status source land (gateway/placeholder_ports.h).
    PlaceholderLivenessReader liveness_reader;
    PlaceholderStatusSource status_source(std::string(version()), wall_clock_ms(clock));
    std::unique_ptr<web::WebServer> web_server;
    core::Broker broker(broker_settings(config.limits), clock);
    // Wills of live connections, retained messages and persistent sessions; what
    // the previous run left behind is published or restored before the first
    // client connects. With durability "none" they live in memory only.
    std::optional<store::BrokerStore> store;
    if (config.storage.durability != "none") {
        store::BrokerStoreOptions store_options;
        store_options.database.durability = config.storage.durability == "power-loss"
                                                ? store::Durability::PowerLossSafe
                                                : store::Durability::ProcessCrashSafe;
        // An absolute storage.database replaces the directory part.
        store.emplace(std::filesystem::path(data_directory.path()) / config.storage.database, store_options);
        core::StoredState stored = store->load();
        broker.set_persistence(&*store);
        // Commits are reported on the writer thread; the broker hears of them on its loop.
        store->set_commit_listener([&io, &broker](std::uint64_t sequence) {
            asio::post(io, [&broker, sequence] { broker.on_persisted(sequence); });
        });
        store->set_failure_listener([&io, &broker] { asio::post(io, [&broker] { broker.on_persist_failed(); }); });
        broker.restore(std::move(stored));
        store->start();
    } else {
        log::warning("storage.durability is \"none\": Wills, retained messages and sessions are not stored");
    }
    net::BrokerServer server(io, broker, net_settings(config.limits));
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
    if (config.web.enabled) {
        web_server = std::make_unique<web::WebServer>(web_settings(config.web), liveness_reader, status_source, clock);
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
    if (store) {
        store->stop();                  // commits what the shutdown queued (the Wills it published)
        store->set_commit_listener({});  // nothing may post to the loop once it is gone
        store->set_failure_listener({});
    }
    log::info("stopped");
    return kExitOk;
}

}  // namespace wg::gateway
