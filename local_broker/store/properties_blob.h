#pragma once
// The MQTT 5.0 properties of a stored Will or retained message as a BLOB.
//
// Only the properties a Will or an application message carries are kept:
// Payload Format Indicator, Message Expiry Interval, Content Type, Response
// Topic, Correlation Data, Will Delay Interval and User Properties (in their
// order). Any other field of codec::Properties is dropped.
//
// Format: empty when none of them is set. Otherwise one format-version byte
// (kPropertiesBlobVersion), then one entry per property: its MQTT identifier
// byte, then its value: 1 byte (0x01), 4 bytes big-endian (0x02, 0x18), a
// 4-byte big-endian length and the bytes (0x03, 0x08, 0x09), or two such
// strings, name then value (0x26, repeatable).
//
// decode_properties_blob() never trusts its input: an unknown version or
// identifier, a repeated single-valued property or a length past the end gives
// an error, never undefined behaviour. Pure functions; any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "local_broker/codec/packet.h"

namespace wg::store {

inline constexpr std::uint8_t kPropertiesBlobVersion = 1;

std::string encode_properties_blob(const codec::Properties& properties);

struct DecodedProperties {
    std::optional<codec::Properties> properties;  // nullopt: malformed
    std::string error;                            // why, when malformed
};

DecodedProperties decode_properties_blob(std::string_view blob);

}  // namespace wg::store
