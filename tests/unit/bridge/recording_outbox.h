#pragma once
// An OutboxWriter that records what the bridge asks of it, for tests.

#include <string>
#include <utility>
#include <vector>

#include "willgate/outbox.h"

namespace wg::test {

class RecordingOutbox final : public broker::OutboxWriter {
public:
    void outbox_append(const std::string& bridge, broker::OutboxEntry entry) override {
        appended.emplace_back(bridge, std::move(entry));
    }
    std::uint64_t outbox_remove(const std::string&, std::vector<std::int64_t>) override { return 0; }
    std::uint64_t outbox_reject(const std::string&, std::int64_t, std::string) override { return 0; }
    void outbox_liveness_through(const std::string& bridge, std::int64_t sequence) override {
        cursors.emplace_back(bridge, sequence);
    }
    broker::OutboxTotals outbox_totals(const std::string&) const override { return {}; }

    std::vector<std::pair<std::string, broker::OutboxEntry>> appended;
    std::vector<std::pair<std::string, std::int64_t>> cursors;
};

}  // namespace wg::test
