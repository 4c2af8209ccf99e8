#pragma once
// Internal to the codec (not part of its API): the packet decoders that live
// in their own translation unit.

#include "local_broker/codec/codec.h"
#include "local_broker/codec/wire_reader.h"

namespace wg::codec::detail {

// The CONNECT body after the fixed header. Carries its own protocol version;
// any error after the protocol level was recognised has connect_version set.
DecodeResult decode_connect(Reader& reader);

}  // namespace wg::codec::detail
