#pragma once
// The MQTT CONNECT credentials of a Huawei Cloud IoTDA device (secret authentication):
//
//   client id  {device_id}_0_{sign type}_{YYYYMMDDHH}
//   username   {device_id}
//   password   lowercase hex of HMAC-SHA256(key = the timestamp YYYYMMDDHH, message = secret)
//
// The "0" after the device id is the device identifier type (always 0: a device id); the sign
// type is 1 when the platform checks the timestamp against its own clock, 0 when it checks only
// the password. The timestamp is the UTC hour of the connection, so the gateway computes the
// credentials again at every (re)connect.
// Source: Huawei Cloud IoTDA API Reference, "Device Connection Authentication" (MQTT CONNECT
// authentication parameters), https://support.huaweicloud.com/intl/en-us/api-iothub/iot_06_v5_3009.html
// (published example: secret "12345678", timestamp "2025041401" ->
// c75150e6cb841417396819e4d2ee4358a416344a03a083e3a8567074ddec820a, in "设备连接鉴权",
// https://support.huaweicloud.com/devg-ocsmartcampus/ocsmartcampus_04_0030.html).
//
// Default sign type: 1 (timestamp checked), as Huawei's own device SDKs do (ConnectAuthInfo
// check_timestamp = "1" in huaweicloud-iot-device-sdk-python). With 0, a password that leaks is
// valid for as long as the secret is, since any past timestamp still matches; with 1 it is valid
// only during its hour. The price: a gateway whose clock is off by an hour or more (a Pi without a
// real-time clock, before NTP has set it) is refused with "bad user name or password" until its
// clock is right; the bridge's reconnect computes new credentials each time, so it connects as
// soon as the clock is set. Boxes that cannot keep their clock set can choose 0.
//
// Pure functions, any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wg::bridge::huawei {

inline constexpr bool kDefaultCheckTimestamp = true;

// The UTC hour of `epoch_ms` (milliseconds since the Unix epoch) as YYYYMMDDHH:
// 1532454980000 (2018-07-24 17:56:20 UTC) -> "2018072417".
std::string iotda_timestamp(std::int64_t epoch_ms);

// nullopt if `text` is a YYYYMMDDHH timestamp (10 digits, a real date, hour 00..23), else why
// not ("month 13 does not exist").
std::optional<std::string> check_iotda_timestamp(std::string_view text);

// nullopt if `device_id` is an IoTDA device id: 1..128 characters, letters, digits, "_" and "-"
// (API Reference, "Gateway Reporting Child Device Properties", device_id,
// https://support.huaweicloud.com/intl/en-us/api-iothub/iot_06_v5_7011.html), else why not.
std::optional<std::string> check_device_id(std::string_view device_id);

struct IotdaCredentials {
    std::string client_id;
    std::string username;
    std::string password;
};

// The credentials for `device_id` and its `secret` at `timestamp` (which must pass
// check_iotda_timestamp(); std::invalid_argument if not).
IotdaCredentials iotda_credentials(std::string_view device_id, std::string_view secret,
                                   std::string_view timestamp,
                                   bool check_timestamp = kDefaultCheckTimestamp);

}  // namespace wg::bridge::huawei
