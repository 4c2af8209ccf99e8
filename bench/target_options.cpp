#include "bench/mqtt_load.h"
#include "bench/scenarios.h"

namespace wg::bench {

sockaddr_in parse_target(Options& options) {
    const std::string host = options.text("host", "127.0.0.1");
    const auto port = static_cast<std::uint16_t>(options.integer("port", 1883, 1, 65535));
    return parse_address(host, port);
}

}  // namespace wg::bench
