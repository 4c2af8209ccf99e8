#include "web/forgotten_devices.h"

namespace wg::web {

void ForgottenDevices::add(std::string client_id, std::int64_t sequence) {
    const std::lock_guard lock{mutex_};
    entries_.push_back(Entry{++last_id_, sequence, std::move(client_id)});
    if (entries_.size() > kMaxEntries) {
        entries_.pop_front();
    }
}

std::vector<ForgottenDevices::Entry> ForgottenDevices::after(std::uint64_t after_id) const {
    const std::lock_guard lock{mutex_};
    std::vector<Entry> found;
    for (const Entry& entry : entries_) {
        if (entry.id > after_id) {
            found.push_back(entry);
        }
    }
    return found;
}

std::vector<ForgottenDevices::Entry> ForgottenDevices::from_sequence(std::int64_t sequence) const {
    const std::lock_guard lock{mutex_};
    std::vector<Entry> found;
    for (const Entry& entry : entries_) {
        if (entry.sequence >= sequence) {
            found.push_back(entry);
        }
    }
    return found;
}

std::uint64_t ForgottenDevices::last_id() const {
    const std::lock_guard lock{mutex_};
    return last_id_;
}

}  // namespace wg::web
