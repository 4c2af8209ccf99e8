#include "mqtt_load/disconnect.h"

#include "mqtt_load/clock.h"
#include "mqtt_load/mqtt_packets.h"
#include "mqtt_load/run_until.h"

namespace wg::mqtt_load {

void disconnect_gracefully(EventLoop& loop, std::span<const std::unique_ptr<MqttClient>> clients,
                           std::int64_t timeout_ns) {
    for (const auto& client : clients) {
        if (!client->is_open()) continue;
        client->want_writable(false);
        client->queue(mqtt::kDisconnect);
        client->flush();
    }
    run_until(loop, monotonic_ns() + timeout_ns, [&] {
        for (const auto& client : clients) {
            if (client->is_open()) return false;
        }
        return true;
    });
    for (const auto& client : clients) client->close(true);
}

}  // namespace wg::mqtt_load
