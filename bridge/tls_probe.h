#pragma once
// Why a TLS connection to the cloud fails, in OpenSSL's words: Paho reports
// only "TCP/TLS connect failure", so after such a failure the bridge makes one
// handshake of its own with the same CA, client certificate and key, and logs
// what OpenSSL says ("certificate verify failed: unable to get local issuer
// certificate", "tlsv13 alert certificate required", ...).
//
// Threading: blocks the calling thread (the bridge's) for at most `timeout`.

#include <chrono>
#include <string>

#include "bridge/bridge_settings.h"

namespace wg::bridge {

// `address`: "ssl://host:port". Returns "" when the handshake succeeds.
std::string probe_tls(const std::string& address, const BridgeSettings& settings, std::chrono::milliseconds timeout);

}  // namespace wg::bridge
