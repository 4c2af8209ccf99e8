#include "gateway/credentials_command.h"

#include <chrono>
#include <iostream>
#include <optional>
#include <string>

#include "bridge/profiles/huawei_credentials.h"
#include "common/clock.h"

namespace wg::gateway {
namespace {

int usage_error(const std::string& message) {
    std::cerr << "willgate: " << message << "\n\n" << usage();
    return kExitUsage;
}

}  // namespace

int credentials_command(const CredentialsRequest& request) {
    namespace huawei = wg::bridge::huawei;

    if (const auto problem = huawei::check_device_id(request.device_id)) {
        return usage_error("--device-id: " + *problem);
    }
    const std::string timestamp =
        request.timestamp.value_or(huawei::iotda_timestamp(epoch_ms(std::chrono::system_clock::now())));
    if (const auto problem = huawei::check_iotda_timestamp(timestamp)) {
        return usage_error("--timestamp: " + *problem);
    }

    std::string secret = request.secret;
    if (secret == "-") {
        if (!std::getline(std::cin, secret) && secret.empty()) {
            std::cerr << "willgate credentials: --secret -: no secret on stdin\n";
            return kExitFailure;
        }
        if (!secret.empty() && secret.back() == '\r') {
            secret.pop_back();
        }
    }
    if (secret.empty()) {
        return usage_error("--secret needs a non-empty value");
    }

    const huawei::IotdaCredentials credentials = huawei::iotda_credentials(
        request.device_id, secret, timestamp, request.check_timestamp.value_or(huawei::kDefaultCheckTimestamp));
    std::cout << "client_id=" << credentials.client_id << '\n'
              << "username=" << credentials.username << '\n'
              << "password=" << credentials.password << '\n';
    return kExitOk;
}

}  // namespace wg::gateway
