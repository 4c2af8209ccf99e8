#include "local_broker/store/liveness_reader.h"

#include <algorithm>

#include "common/log.h"

namespace wg::store {
namespace {

constexpr std::int64_t kLivenessSchema = 3;  // schema.h: devices and device_history

constexpr const char* kDeviceColumns =
    "client_id, online, since_ms, last_seen_ms, peer, username, protocol_version, keep_alive, clean_session,"
    " will_topic, will_qos, will_retain, will_delay_s, will_payload_size, last_cause, last_reason,"
    " last_will_topic, last_will_payload, last_will_ms, messages_received, messages_sent, bytes_received,"
    " bytes_sent FROM devices";

constexpr const char* kTransitionColumns =
    "id, client_id, at_ms, online, cause, reason, peer, will_published FROM device_history";

template <typename T>
T clamped(std::int64_t value, std::int64_t low, std::int64_t high) {
    return static_cast<T>(std::clamp(value, low, high));
}

std::uint64_t counter(const Statement& row, int column) {
    return static_cast<std::uint64_t>(std::max<std::int64_t>(row.column_int64(column), 0));
}

liveness::DeviceStatus read_device(const Statement& row) {
    liveness::DeviceStatus device;
    device.client_id = row.column_text(0);
    device.online = row.column_int64(1) != 0;
    device.since_ms = row.column_int64(2);
    device.last_seen_ms = row.column_int64(3);
    device.peer = row.column_text(4);
    device.username = row.column_text(5);
    device.protocol_version = clamped<std::uint8_t>(row.column_int64(6), 3, 5);
    device.keep_alive = clamped<std::uint16_t>(row.column_int64(7), 0, 65535);
    device.clean_session = row.column_int64(8) != 0;
    if (!row.column_is_null(9)) {
        device.will = liveness::HeldWill{row.column_text(9), clamped<std::uint8_t>(row.column_int64(10), 0, 2),
                                         row.column_int64(11) != 0,
                                         clamped<std::uint32_t>(row.column_int64(12), 0, 0xFFFFFFFF),
                                         counter(row, 13)};
    }
    device.last_cause = row.column_text(14);
    device.last_reason = row.column_text(15);
    if (!row.column_is_null(16))
        device.last_will = liveness::PublishedWill{row.column_text(16), row.column_blob(17), row.column_int64(18)};
    device.messages_received = counter(row, 19);
    device.messages_sent = counter(row, 20);
    device.bytes_received = counter(row, 21);
    device.bytes_sent = counter(row, 22);
    return device;
}

liveness::Transition read_transition(const Statement& row) {
    return liveness::Transition{row.column_int64(0), row.column_text(1), row.column_int64(2),
                                row.column_int64(3) != 0, row.column_text(4), row.column_text(5),
                                row.column_text(6), row.column_int64(7) != 0};
}

}  // namespace

StoredLivenessReader::StoredLivenessReader(BrokerStore& store, const DatabaseOptions& options)
    : store_{store},
      database_{Database::open_reader(store.path(), kLivenessSchema, options)},
      select_devices_{database_, std::string("SELECT ") + kDeviceColumns + " ORDER BY client_id"},
      select_device_{database_, std::string("SELECT ") + kDeviceColumns + " WHERE client_id = ?1"},
      select_history_before_{database_, std::string("SELECT ") + kTransitionColumns +
                                            " WHERE client_id = ?1 AND at_ms < ?2 ORDER BY at_ms DESC, id DESC LIMIT 1"},
      select_history_from_{database_, std::string("SELECT ") + kTransitionColumns +
                                          " WHERE client_id = ?1 AND at_ms >= ?2 ORDER BY at_ms, id"},
      select_changes_{database_, std::string("SELECT ") + kTransitionColumns + " WHERE id > ?1 ORDER BY id LIMIT ?2"},
      select_last_sequence_{database_, "SELECT seq FROM sqlite_sequence WHERE name = 'device_history'"} {}

template <typename Read>
auto StoredLivenessReader::guarded(const char* what, Read read) -> decltype(read()) {
    std::lock_guard lock{mutex_};
    try {
        return read();
    } catch (const StoreError& error) {
        log::warning(std::string("liveness: cannot read ") + what + ": " + error.what());
        return {};
    }
}

std::vector<liveness::DeviceStatus> StoredLivenessReader::devices() {
    return guarded("devices", [&] {
        std::vector<liveness::DeviceStatus> devices;
        select_devices_.reset();
        while (select_devices_.step()) devices.push_back(read_device(select_devices_));
        return devices;
    });
}

std::optional<liveness::DeviceStatus> StoredLivenessReader::device(const std::string& client_id) {
    return guarded("a device", [&]() -> std::optional<liveness::DeviceStatus> {
        select_device_.reset();
        select_device_.bind_text(1, client_id);
        if (!select_device_.step()) return std::nullopt;
        auto device = read_device(select_device_);
        select_device_.reset();
        return device;
    });
}

std::vector<liveness::Transition> StoredLivenessReader::history(const std::string& client_id, std::int64_t from_ms) {
    return guarded("a device's history", [&] {
        std::vector<liveness::Transition> transitions;
        Transaction snapshot{database_, Transaction::Kind::Read};  // both queries see the same commit
        select_history_before_.reset();
        select_history_before_.bind_text(1, client_id);
        select_history_before_.bind_int64(2, from_ms);
        if (select_history_before_.step()) {
            transitions.push_back(read_transition(select_history_before_));
            select_history_before_.reset();
        }
        select_history_from_.reset();
        select_history_from_.bind_text(1, client_id);
        select_history_from_.bind_int64(2, from_ms);
        while (select_history_from_.step()) transitions.push_back(read_transition(select_history_from_));
        return transitions;
    });
}

std::vector<liveness::Transition> StoredLivenessReader::changes_after(std::int64_t after, std::size_t max) {
    return guarded("changes", [&] {
        std::vector<liveness::Transition> transitions;
        select_changes_.reset();
        select_changes_.bind_int64(1, after);
        select_changes_.bind_int64(2, static_cast<std::int64_t>(std::min<std::size_t>(max, 1'000'000)));
        while (select_changes_.step()) transitions.push_back(read_transition(select_changes_));
        return transitions;
    });
}

std::int64_t StoredLivenessReader::last_sequence() {
    return guarded("the last sequence", [&]() -> std::int64_t {
        select_last_sequence_.reset();
        if (!select_last_sequence_.step()) return 0;
        const std::int64_t sequence = select_last_sequence_.column_int64(0);
        select_last_sequence_.reset();
        return sequence;
    });
}

std::int64_t StoredLivenessReader::wait_for_change(std::int64_t after, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        std::uint64_t seen = 0;
        {
            std::lock_guard lock{commits_mutex_};
            seen = commits_seen_;
        }
        // Read after noting the commit count: a commit that lands after the
        // read bumps the count, so the wait below cannot miss it.
        const std::int64_t last = last_sequence();
        if (last > after) return last;
        std::unique_lock lock{commits_mutex_};
        if (!committed_.wait_until(lock, deadline, [&] { return commits_seen_ != seen; })) return last;
    }
}

bool StoredLivenessReader::forget(const std::string& client_id) {
    const auto known = device(client_id);
    if (!known || known->online) return false;
    store_.forget_device(client_id);  // deletes only if still offline when applied
    return store_.flush();
}

void StoredLivenessReader::notify_committed() {
    {
        std::lock_guard lock{commits_mutex_};
        ++commits_seen_;
    }
    committed_.notify_all();
}

}  // namespace wg::store
