#include "bridge/profiles/huawei_credentials.h"

#include <stdexcept>

#include "bridge/profiles/hmac.h"
#include "common/utc_text.h"

namespace wg::bridge::huawei {
namespace {

constexpr std::size_t kMaxDeviceIdLength = 128;

int digits(std::string_view text) {
    int value = 0;
    for (const char c : text) {
        value = value * 10 + (c - '0');
    }
    return value;
}

int days_in_month(int year, int month) {
    constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

std::string iotda_timestamp(std::int64_t epoch_ms) { return utc_text(epoch_ms, "%Y%m%d%H"); }

std::optional<std::string> check_iotda_timestamp(std::string_view text) {
    if (text.size() != 10) {
        return "a timestamp is 10 digits, YYYYMMDDHH (UTC)";
    }
    for (const char c : text) {
        if (c < '0' || c > '9') {
            return "a timestamp is 10 digits, YYYYMMDDHH (UTC)";
        }
    }
    const int year = digits(text.substr(0, 4));
    const int month = digits(text.substr(4, 2));
    const int day = digits(text.substr(6, 2));
    const int hour = digits(text.substr(8, 2));
    if (month < 1 || month > 12) {
        return "month " + std::string{text.substr(4, 2)} + " does not exist (YYYYMMDDHH)";
    }
    if (day < 1 || day > days_in_month(year, month)) {
        return "day " + std::string{text.substr(6, 2)} + " does not exist in " +
               std::string{text.substr(0, 6)} + " (YYYYMMDDHH)";
    }
    if (hour > 23) {
        return "hour " + std::string{text.substr(8, 2)} + " does not exist (00..23, YYYYMMDDHH)";
    }
    return std::nullopt;
}

std::optional<std::string> check_device_id(std::string_view device_id) {
    if (device_id.empty()) {
        return "a device id cannot be empty";
    }
    if (device_id.size() > kMaxDeviceIdLength) {
        return "a device id has at most 128 characters, not " + std::to_string(device_id.size());
    }
    for (const char c : device_id) {
        const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                             (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!allowed) {
            return "a device id has only letters, digits, \"_\" and \"-\"";
        }
    }
    return std::nullopt;
}

IotdaCredentials iotda_credentials(std::string_view device_id, std::string_view secret,
                                   std::string_view timestamp, bool check_timestamp) {
    if (const auto problem = check_iotda_timestamp(timestamp)) {
        throw std::invalid_argument{"IoTDA timestamp \"" + std::string{timestamp} + "\": " + *problem};
    }
    IotdaCredentials credentials;
    credentials.client_id = std::string{device_id} + "_0_" + (check_timestamp ? "1" : "0") + "_" +
                            std::string{timestamp};
    credentials.username = std::string{device_id};
    credentials.password = hmac_sha256_hex(timestamp, secret);
    return credentials;
}

}  // namespace wg::bridge::huawei
