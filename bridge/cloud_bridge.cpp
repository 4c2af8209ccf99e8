#include "bridge/cloud_bridge.h"

#include <mqtt/async_client.h>

#include <algorithm>
#include <cstdio>
#include <random>

#include "bridge/paho_options.h"
#include "bridge/tls_probe.h"
#include "common/log.h"
#include "common/thread_name.h"

namespace wg::bridge {
namespace {

// Outbox rows read at a time: bounded memory however long the backlog.
constexpr std::size_t kReadBatch = 512;
// After Paho refused a publish for a passing reason (its queue is full).
constexpr std::chrono::milliseconds kPublishRetry{50};
constexpr std::chrono::seconds kStatusRefresh{1};
// Failed connection attempts logged as warnings one by one, then once a minute.
constexpr std::uint64_t kLoggedAttempts = 5;
constexpr std::chrono::seconds kFailureLogInterval{60};
constexpr std::chrono::seconds kDisconnectTimeout{2};
constexpr std::chrono::seconds kStopGrace{1};
constexpr std::chrono::seconds kTlsProbeInterval{30};
constexpr std::chrono::milliseconds kTlsProbeTimeout{2000};

void* as_context(std::int64_t value) { return reinterpret_cast<void*>(static_cast<std::intptr_t>(value)); }
std::int64_t from_context(void* context) { return static_cast<std::int64_t>(reinterpret_cast<std::intptr_t>(context)); }

// Paho return codes that mean the message itself cannot be sent (a retry would fail the same way).
bool refused_for_good(int code) {
    return code == MQTTASYNC_BAD_UTF8_STRING || code == MQTTASYNC_NULL_PARAMETER || code == MQTTASYNC_BAD_QOS ||
           code == MQTTASYNC_BAD_STRUCTURE || code == MQTTASYNC_BAD_MQTT_OPTION;
}

std::string addresses_text(const std::vector<std::string>& addresses) {
    std::string text;
    for (const auto& address : addresses) text += (text.empty() ? "" : ", ") + address;
    return text;
}

// "Not authorized (0x87)"
std::string reason_text(int reason) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", reason & 0xFF);
    return mqtt::exception::reason_code_str(reason) + " (" + hex + ")";
}

// MQTT 3.1.1 CONNACK return codes (3.2.2.3), which Paho reports as its return code.
const char* connack_refusal(int code) {
    switch (code) {
        case 1: return "the cloud refused the connection: unacceptable protocol version";
        case 2: return "the cloud refused the connection: client identifier rejected";
        case 3: return "the cloud refused the connection: server unavailable";
        case 4: return "the cloud refused the connection: bad user name or password";
        case 5: return "the cloud refused the connection: not authorized (check the credentials)";
        default: return nullptr;
    }
}

std::string milliseconds_text(std::chrono::milliseconds delay) { return std::to_string(delay.count()) + " ms"; }

// The profile's adjustments, logged.
BridgeSettings adjusted(BridgeSettings settings, CloudProfile& profile) {
    for (const std::string& warning : profile.adjust(settings))
        log::warning("bridge " + settings.name + " (" + std::string{profile.name()} + "): " + warning);
    return settings;
}

}  // namespace

// Paho's thread: turns a publish's outcome into an event.
class PublishListener final : public mqtt::iaction_listener {
public:
    explicit PublishListener(CloudBridge& bridge) : bridge_{bridge} {}
    void on_success(const mqtt::token& token) override {
        bridge_.post({CloudBridge::Event::Kind::Acked, from_context(token.get_user_context()), 0, 0, {}, 0});
    }
    void on_failure(const mqtt::token& token) override {
        bridge_.post({CloudBridge::Event::Kind::Failed, from_context(token.get_user_context()), token.get_return_code(),
                      static_cast<int>(token.get_reason_code()), {}, 0});
    }

private:
    CloudBridge& bridge_;
};

class ConnectListener final : public mqtt::iaction_listener {
public:
    explicit ConnectListener(CloudBridge& bridge) : bridge_{bridge} {}
    void on_success(const mqtt::token& token) override {
        const auto attempt = static_cast<std::uint64_t>(from_context(token.get_user_context()));
        std::string address;
        try {
            address = token.get_connect_response().get_server_uri();
        } catch (const std::exception&) {
        }
        bridge_.post({CloudBridge::Event::Kind::Connected, 0, 0, 0, std::move(address), attempt});
    }
    void on_failure(const mqtt::token& token) override {
        const auto attempt = static_cast<std::uint64_t>(from_context(token.get_user_context()));
        std::string text = mqtt::exception::printable_error(token.get_return_code(),
                                                             static_cast<int>(token.get_reason_code()));
        bridge_.post({CloudBridge::Event::Kind::ConnectFailed, 0, token.get_return_code(),
                      static_cast<int>(token.get_reason_code()), std::move(text), attempt});
    }

private:
    CloudBridge& bridge_;
};

CloudBridge::CloudBridge(BridgeSettings settings, const Clock& clock, broker::OutboxWriter& outbox,
                         std::unique_ptr<broker::OutboxReader> reader, BridgePorts ports,
                         std::unique_ptr<CloudProfile> profile)
    : profile_{profile ? std::move(profile) : std::make_unique<GenericProfile>()},
      settings_{adjusted(std::move(settings), *profile_)},
      clock_{clock},
      outbox_{outbox},
      reader_{std::move(reader)},
      tap_{settings_.name, ForwardRules{settings_.forward}, outbox, clock, profile_.get()},
      downlink_{settings_.downlink},
      local_{ports.local},
      rate_{settings_.max_messages_per_second, settings_.max_bytes_per_second},
      backoff_{settings_.reconnect_initial, settings_.reconnect_max, std::random_device{}()},
      window_{settings_.max_inflight, kReadBatch} {
    status_.name = settings_.name;
    status_.address = settings_.addresses.empty() ? "" : settings_.addresses.front();
    status_.since_ms = now_ms();
    std::unique_ptr<LivenessFormat> format = profile_->liveness_format();
    if (!format && !settings_.liveness.topic.empty()) format = std::make_unique<GenericLivenessFormat>(settings_.liveness);
    if (format && ports.liveness != nullptr)
        liveness_feed_ = std::make_unique<LivenessFeed>(settings_.name, *ports.liveness, std::move(format), outbox, clock);
}

CloudBridge::~CloudBridge() { stop(); }

std::int64_t CloudBridge::now_ms() const {
    return wall_ms(clock_);
}

void CloudBridge::start() {
    if (thread_.joinable()) return;
    // Before the bridge's thread exists: the reader is used by one thread at a time.
    if (liveness_feed_) liveness_feed_->start(reader_->liveness_cursor());
    {
        std::lock_guard lock{events_mutex_};
        stopping_ = false;
    }
    thread_ = std::thread{[this] { run(); }};
}

void CloudBridge::stop() {
    if (liveness_feed_) liveness_feed_->stop();
    {
        std::lock_guard lock{events_mutex_};
        stopping_ = true;
    }
    events_ready_.notify_one();
    if (thread_.joinable()) thread_.join();
}

void CloudBridge::notify_committed(std::uint64_t sequence) {
    {
        std::lock_guard lock{events_mutex_};
        committed_through_ = std::max(committed_through_, sequence);
        if (commit_reported_) return;
        commit_reported_ = true;
    }
    events_ready_.notify_one();
}

void CloudBridge::post(Event event) {
    {
        std::lock_guard lock{events_mutex_};
        const bool acknowledgement = event.kind == Event::Kind::Acked;
        events_.push_back(std::move(event));
        if (acknowledgement && ++acks_waiting_ < acks_to_wake_) return;  // acks_to_wake_ explains
    }
    events_ready_.notify_one();
}

broker::BridgeStatus CloudBridge::status() const {
    broker::BridgeStatus status;
    {
        std::lock_guard lock{status_mutex_};
        status = status_;
    }
    const broker::OutboxTotals totals = outbox_.outbox_totals(settings_.name);
    status.backlog_messages = totals.messages;
    status.backlog_bytes = totals.bytes;
    status.dropped = totals.dropped;
    status.rejected = totals.rejected;
    if (totals.messages == 0) status.oldest_queued_ms = 0;
    return status;
}

// A Paho client for `settings` (again when the profile changes the client id).
void CloudBridge::create_client(const BridgeSettings& settings) {
    client_.reset();
    client_ = std::make_unique<mqtt::async_client>(settings.addresses.front(), settings.client_id,
                                                   paho_create_options(settings), nullptr);
    client_id_ = settings.client_id;
    client_->set_connection_lost_handler([this](const std::string& cause) {
        post({Event::Kind::ConnectionLost, 0, 0, 0, cause.empty() ? "the connection was closed" : cause, 0});
    });
    client_->set_message_callback([this](mqtt::const_message_ptr message) {
        on_cloud_message(message->get_topic(), message->get_payload_str(), message->get_qos(), message->is_retained());
    });
    client_->set_disconnected_handler([this](const mqtt::properties&, mqtt::ReasonCode reason) {
        post({Event::Kind::ConnectionLost, 0, 0, static_cast<int>(reason),
              "the cloud sent DISCONNECT " + mqtt::exception::reason_code_str(static_cast<int>(reason)), 0});
    });
}

void CloudBridge::run() {
    name_this_thread("wg-bridge:" + settings_.name);
    quiet_paho_trace();
    try {
        create_client(settings_);
    } catch (const std::exception& error) {
        log::error("bridge " + settings_.name + ": cannot create the MQTT client: " + error.what());
        return;
    }
    publish_listener_ = std::make_unique<PublishListener>(*this);
    connect_listener_ = std::make_unique<ConnectListener>(*this);
    log::info("bridge " + settings_.name + ": forwarding to " + addresses_text(settings_.addresses) + " (outbox: " +
              std::to_string(outbox_.outbox_totals(settings_.name).messages) + " messages)");
    const auto now = std::chrono::steady_clock::now();
    next_attempt_ = now;
    next_status_log_ = now + settings_.status_log_interval;
    std::deque<Event> events;
    for (;;) {
        std::uint64_t committed = 0;
        bool commit = false;
        {
            std::unique_lock lock{events_mutex_};
            SteadyTime deadline = next_status_refresh_;
            if (state_ == State::Idle) deadline = std::min(deadline, next_attempt_);
            if (state_ == State::Connected && retry_publish_at_ != SteadyTime{})
                deadline = std::min(deadline, retry_publish_at_);
            const bool window_full = state_ == State::Connected && window_.in_flight() >= settings_.max_inflight;
            acks_to_wake_ = window_full ? std::max<std::size_t>(1, window_.in_flight() / 4) : 1;
            // Any event other than an acknowledgement wakes the thread at once.
            const auto woken = [&] {
                return stopping_ || commit_reported_ ||
                       (!events_.empty() && (acks_waiting_ >= acks_to_wake_ || acks_waiting_ < events_.size()));
            };
            events_ready_.wait_until(lock, deadline, woken);
            if (stopping_) break;
            acks_waiting_ = 0;
            events.swap(events_);
            commit = commit_reported_;
            committed = committed_through_;
            commit_reported_ = false;
        }
        if (commit) {
            window_.committed(committed);
            window_.rows_committed();
        }
        for (const Event& event : events) handle(event);
        events.clear();
        queue_deletions(false);
        const auto time = std::chrono::steady_clock::now();
        if (state_ == State::Idle && time >= next_attempt_) connect();
        if (state_ == State::Connected && (retry_publish_at_ == SteadyTime{} || time >= retry_publish_at_)) {
            retry_publish_at_ = {};
            pump();
        }
        if (time >= next_status_refresh_) refresh_status(false);
    }
    await_acknowledgements();
    refresh_status(true);
    disconnect();
}

// At a stop, the acknowledgements of what is in flight are worth a moment
// (each spares the cloud a duplicate after the next start), and so are the
// commits of the deletions, so that the last status says what is left.
void CloudBridge::await_acknowledgements() {
    const auto deadline = std::chrono::steady_clock::now() + kStopGrace;
    for (;;) {
        queue_deletions(true);
        const bool acknowledgements_due = state_ == State::Connected && window_.in_flight() > 0;
        if (!acknowledgements_due && !window_.deletions_pending()) return;
        std::deque<Event> events;
        std::uint64_t committed = 0;
        bool commit = false;
        {
            std::unique_lock lock{events_mutex_};
            acks_to_wake_ = 1;
            if (!events_ready_.wait_until(lock, deadline, [&] { return !events_.empty() || commit_reported_; }))
                return;
            acks_waiting_ = 0;
            events.swap(events_);
            commit = commit_reported_;
            committed = committed_through_;
            commit_reported_ = false;
        }
        if (commit) window_.committed(committed);
        for (const Event& event : events) handle(event);
    }
}

void CloudBridge::handle(const Event& event) {
    switch (event.kind) {
        case Event::Kind::Connected:
            if (state_ == State::Connecting && event.attempt == attempt_) on_connected(event);
            return;
        case Event::Kind::ConnectFailed:
            if (state_ == State::Connecting && event.attempt == attempt_) {
                std::string why = event.text;
                try {
                    if (connect_token_) connect_token_->wait();  // complete: throws with Paho's message
                } catch (const mqtt::exception& error) {
                    why = error.what();
                }
                connect_token_.reset();
                if (const char* refusal = connack_refusal(event.code)) why += std::string{" ("} + refusal + ")";
                on_disconnected(explain_failure(why), false);
            }
            return;
        case Event::Kind::ConnectionLost:
            if (state_ == State::Connected) on_disconnected(event.text, true);
            return;
        case Event::Kind::Acked:
            settle(event.id, std::nullopt);
            return;
        case Event::Kind::Failed:
            // MQTT 5: the cloud answered with an error reason code; it will say the same again.
            if (event.reason >= 0x80) {
                settle(event.id, "PUBACK " + reason_text(event.reason));
            } else if (state_ == State::Connected && window_.is_in_flight(event.id)) {
                // Lost with its connection (the loss is reported too), or dropped by Paho: sent again.
                window_.restart();
            }
            return;
    }
}

void CloudBridge::connect() {
    ++attempt_;
    state_ = State::Connecting;
    try {
        if (auto fresh = profile_->connect_settings(settings_, now_ms())) {
            if (fresh->client_id != client_id_) create_client(*fresh);
            connect_options_ = paho_connect_options(*fresh);
        }
        if (!connect_options_) connect_options_ = paho_connect_options(settings_);
        connect_token_ = client_->connect(*connect_options_, as_context(static_cast<std::int64_t>(attempt_)), *connect_listener_);
    } catch (const mqtt::exception& error) {
        on_disconnected(error.what(), false);
    }
}

// Paho says "TCP/TLS connect failure" for a refused TCP connection and a failed
// handshake alike; for a TLS address, a handshake of our own says why.
std::string CloudBridge::explain_failure(const std::string& paho_error) {
    const std::string& address = settings_.addresses.front();
    if (!(address.starts_with("ssl://") || address.starts_with("mqtts://"))) return paho_error;
    const auto now = std::chrono::steady_clock::now();
    if (now >= next_tls_probe_) {
        next_tls_probe_ = now + kTlsProbeInterval;
        tls_error_ = probe_tls(address, settings_, kTlsProbeTimeout);
    }
    return tls_error_.empty() ? paho_error : paho_error + " (TLS: " + tls_error_ + ")";
}

void CloudBridge::on_connected(const Event& event) {
    state_ = State::Connected;
    connect_token_.reset();
    failures_ = 0;
    backoff_.reset();
    window_.restart();
    retry_publish_at_ = {};
    const auto totals = outbox_.outbox_totals(settings_.name);
    {
        std::lock_guard lock{status_mutex_};
        status_.connected = true;
        status_.since_ms = now_ms();
        if (!event.text.empty()) status_.address = event.text;
    }
    log::info("bridge " + settings_.name + ": connected to " + status().address + " (outbox: " +
              std::to_string(totals.messages) + " messages, " + std::to_string(totals.bytes) + " bytes)");
    if (totals.messages > 0) draining_.emplace(std::chrono::steady_clock::now(), totals.messages);
    subscribe_downlink();
    if (!settings_.birth.topic.empty()) {
        try {
            client_->publish(settings_.birth.topic, settings_.birth.payload.data(), settings_.birth.payload.size(),
                             settings_.birth.qos, settings_.birth.retain);
        } catch (const mqtt::exception& error) {
            log::warning("bridge " + settings_.name + ": cannot publish the birth message: " + error.what());
        }
    }
}

void CloudBridge::on_disconnected(const std::string& why, bool was_connected) {
    state_ = State::Idle;
    queue_deletions(true);
    window_.restart();
    draining_.reset();
    ++failures_;
    const auto delay = backoff_.next();
    next_attempt_ = std::chrono::steady_clock::now() + delay;
    std::string address;
    {
        std::lock_guard lock{status_mutex_};
        if (status_.connected) status_.since_ms = now_ms();
        status_.connected = false;
        status_.last_error = why;
        address = status_.address;
    }
    if (was_connected)
        log::warning("bridge " + settings_.name + ": connection to " + address + " lost: " + why + "; reconnecting in " +
                     milliseconds_text(delay));
    else {
        // A long outage does not fill the log (an SD card): the first attempts,
        // then one line a minute; the status line says the rest.
        const auto now = std::chrono::steady_clock::now();
        const bool loud = failures_ <= kLoggedAttempts || now >= next_failure_log_;
        if (loud && failures_ >= kLoggedAttempts) next_failure_log_ = now + kFailureLogInterval;
        const std::string line = "bridge " + settings_.name + ": cannot connect to " + addresses_text(settings_.addresses) +
                                 ": " + why + " (attempt " + std::to_string(failures_) + "; next in " +
                                 milliseconds_text(delay) + ")";
        if (loud) log::warning(line + (failures_ == kLoggedAttempts ? "; further attempts are logged once a minute" : ""));
        else log::debug(line);
    }
}

// Fills the window from the outbox, in id order, as fast as the link takes it.
void CloudBridge::pump() {
    for (;;) {
        if (window_.wants_rows()) {
            auto rows = reader_->read_after(window_.cursor(), window_.batch());
            const bool empty = rows.empty();
            window_.add_rows(std::move(rows));
            if (empty) break;
            continue;
        }
        const broker::OutboxRow* row = window_.next();
        if (row == nullptr) break;
        const std::uint64_t bytes = row->topic.size() + row->payload.size();
        if (rate_.limited()) {
            const auto now = std::chrono::steady_clock::now();
            if (const auto delay = rate_.wait(bytes, now); delay != RateLimiter::Duration::zero()) {
                retry_publish_at_ = now + delay;
                break;
            }
        }
        if (!publish(*row)) break;
        rate_.spend(bytes);
    }
    if (draining_ && window_.in_flight() == 0 && outbox_.outbox_totals(settings_.name).messages == 0) {
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - draining_->first).count();
        log::info("bridge " + settings_.name + ": backlog of " + std::to_string(draining_->second) +
                  " messages delivered in " + std::to_string(seconds) + " s (" +
                  std::to_string(static_cast<std::uint64_t>(static_cast<double>(draining_->second) /
                                                            std::max(seconds, 0.001))) +
                  " messages/s)");
        draining_.reset();
    }
}

bool CloudBridge::publish(const broker::OutboxRow& stored) {
    const broker::OutboxRow* checked = &stored;
    std::optional<broker::OutboxRow> guarded;
    if (profile_->guards()) {
        guarded = stored;
        if (auto refusal = profile_->guard(*guarded)) {
            const std::uint64_t sequence = outbox_.outbox_reject(settings_.name, stored.id, *refusal);
            log::warning("bridge " + settings_.name + ": message to " + stored.topic + " set aside: " + *refusal);
            window_.skip_next(sequence);
            return true;
        }
        checked = &*guarded;
    }
    const broker::OutboxRow& row = *checked;
    try {
        auto message = mqtt::make_message(row.topic, row.payload.data(), row.payload.size(), row.qos, row.retain);
        client_->publish(message, as_context(row.id), *publish_listener_);
    } catch (const mqtt::exception& error) {
        if (refused_for_good(error.get_return_code())) {
            const std::uint64_t sequence =
                outbox_.outbox_reject(settings_.name, row.id, std::string{"not sendable: "} + error.what());
            log::warning("bridge " + settings_.name + ": message to " + row.topic + " set aside: " + error.what());
            window_.skip_next(sequence);
            return true;
        }
        retry_publish_at_ = std::chrono::steady_clock::now() + kPublishRetry;
        return false;
    }
    window_.sent();
    std::lock_guard lock{status_mutex_};
    ++status_.sent;
    return true;
}

void CloudBridge::settle(std::int64_t id, std::optional<std::string> refusal) {
    if (refusal) {
        const std::uint64_t sequence = outbox_.outbox_reject(settings_.name, id, *refusal);
        window_.settled(id, sequence);
        log::warning("bridge " + settings_.name + ": the cloud refused message " + std::to_string(id) + ": " +
                     *refusal + "; set aside in outbox_rejected");
        return;
    }
    window_.acknowledged(id);
    std::lock_guard lock{status_mutex_};
    ++status_.acked;
}

// Deletes acknowledged rows in batches (DeliveryWindow::deletions_due()), or
// all that are left when `all`.
void CloudBridge::queue_deletions(bool all) {
    if (!window_.deletions_due() && !(all && window_.deletions_pending())) return;
    std::vector<std::int64_t> ids = window_.take_deletions();
    if (ids.empty()) return;
    window_.deletions_queued(ids, outbox_.outbox_remove(settings_.name, ids));
}

void CloudBridge::refresh_status(bool force_log) {
    queue_deletions(true);
    const auto now = std::chrono::steady_clock::now();
    next_status_refresh_ = now + kStatusRefresh;
    const auto totals = outbox_.outbox_totals(settings_.name);
    std::optional<std::int64_t> oldest = window_.oldest_held_ms();
    if (!oldest && totals.messages > 0) oldest = reader_->oldest_queued_ms();
    {
        std::lock_guard lock{status_mutex_};
        status_.oldest_queued_ms = oldest.value_or(0);
    }
    if (totals.dropped > dropped_logged_) {
        log::warning("bridge " + settings_.name + ": outbox full (" + std::to_string(settings_.outbox.max_messages) +
                     " messages, " + std::to_string(settings_.outbox.max_bytes) + " bytes): dropped " +
                     std::to_string(totals.dropped - dropped_logged_) + " oldest messages (" +
                     std::to_string(totals.dropped) + " since start)");
        dropped_logged_ = totals.dropped;
    }
    if (force_log || now >= next_status_log_) {
        next_status_log_ = now + settings_.status_log_interval;
        log_status();
    }
}

void CloudBridge::log_status() {
    const broker::BridgeStatus s = status();
    const std::int64_t age_ms = s.oldest_queued_ms == 0 ? 0 : std::max<std::int64_t>(now_ms() - s.oldest_queued_ms, 0);
    log::info("bridge " + s.name + " status: connected=" + (s.connected ? "yes" : "no") + " address=" + s.address +
              " backlog=" + std::to_string(s.backlog_messages) + " messages/" + std::to_string(s.backlog_bytes) +
              " bytes oldest_age=" + std::to_string(age_ms / 1000) + "s sent=" + std::to_string(s.sent) +
              " acked=" + std::to_string(s.acked) + " dropped=" + std::to_string(s.dropped) +
              " rejected=" + std::to_string(s.rejected) + (s.last_error.empty() ? "" : " last_error=\"" + s.last_error + "\""));
}

// A clean stop: what is unacknowledged stays in the outbox for the next run.
void CloudBridge::disconnect() {
    if (!client_) return;
    try {
        if (client_->is_connected()) client_->disconnect(kDisconnectTimeout)->wait_for(kDisconnectTimeout + std::chrono::seconds{1});
    } catch (const mqtt::exception& error) {
        log::warning("bridge " + settings_.name + ": disconnect: " + error.what());
    }
    {
        std::lock_guard lock{status_mutex_};
        status_.connected = false;
    }
    client_.reset();
}

}  // namespace wg::bridge
