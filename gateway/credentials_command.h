// `willgate credentials huawei_iotda --device-id ID --secret SECRET [--timestamp YYYYMMDDHH]
// [--check-timestamp 0|1]`: prints the MQTT credentials the gateway computes for Huawei Cloud
// IoTDA (bridge/profiles/huawei_credentials.h), so that a person can try them with any other
// MQTT client. Output on stdout, one line each:
//
//   client_id=ID_0_1_2025041401
//   username=ID
//   password=<64 hex digits>
//
// Without --timestamp it uses the current UTC hour. "--secret -" reads the secret from the first
// line of stdin. Returns the exit status: 0; 2 for a device id IoTDA would not issue, a bad
// timestamp or an empty secret (the reason and the usage on stderr); 1 if stdin has no secret.
#pragma once

#include "gateway/command_line.h"

namespace wg::gateway {

int credentials_command(const CredentialsRequest& request);

}  // namespace wg::gateway
