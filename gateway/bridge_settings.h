#pragma once
// A [[bridge]] table of the configuration as the bridge module takes it.

#include <memory>

#include "bridge/bridge_settings.h"
#include "bridge/cloud_profile.h"
#include "config/config.h"

namespace wg::gateway {

bridge::BridgeSettings bridge_settings(const config::Bridge& bridge);
// The bridge's cloud profile (generic, aws_iot, huawei_iotda).
std::unique_ptr<bridge::CloudProfile> bridge_profile(const config::Bridge& bridge);

}  // namespace wg::gateway
