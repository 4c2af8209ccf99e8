#pragma once
// A [[bridge]] table of the configuration as the bridge module takes it.

#include "bridge/bridge_settings.h"
#include "config/config.h"

namespace wg::gateway {

bridge::BridgeSettings bridge_settings(const config::Bridge& bridge);

}  // namespace wg::gateway
