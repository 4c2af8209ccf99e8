#pragma once
// Internal to the codec (not part of its API): MQTT 5.0 property sections
// (spec 2.2.2) — which property each packet allows, and their decoding and
// encoding.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "local_broker/codec/packet.h"
#include "local_broker/codec/wire_reader.h"
#include "local_broker/codec/wire_writer.h"

namespace wg::codec::detail {

// Where a property section sits: in a packet of that type, or the Will
// Properties of a CONNECT. Values mirror PacketType; Will takes the reserved 0.
enum class PropertyScope : std::uint8_t {
    Will = 0,
    Connect = 1,
    Connack = 2,
    Publish = 3,
    Puback = 4,
    Pubrec = 5,
    Pubrel = 6,
    Pubcomp = 7,
    Subscribe = 8,
    Suback = 9,
    Unsubscribe = 10,
    Unsuback = 11,
    Disconnect = 14,
    Auth = 15,
};

constexpr PropertyScope scope_of(PacketType type) { return static_cast<PropertyScope>(type); }

// "CONNECT properties", ..., "Will Properties": the `where` of error messages.
std::string_view section_name(PropertyScope scope);

// Reads a property section: its Variable Byte Integer length, then the
// properties, into `properties` (which starts empty). Errors:
//  - MalformedPacket: length past the packet, a property past the section, an
//    unknown identifier, a property the scope does not allow, invalid UTF-8;
//  - ProtocolError: a single-valued property twice, an out-of-range value,
//    Authentication Data without Authentication Method;
//  - TopicAliasInvalid: Topic Alias 0.
MaybeError decode_properties(Reader& reader, PropertyScope scope, Properties& properties);

// A property section as the encoder writes it: the properties of `scope` that
// are set, in identifier order (User Properties in their own order). Those the
// scope does not allow are dropped, as is every Subscription Identifier after
// the first outside PUBLISH.
class PropertySection {
public:
    PropertySection(const Properties& properties, PropertyScope scope);

    bool empty() const { return length_ == 0; }
    // Bytes on the wire: the length varint and the properties.
    std::size_t size() const { return varint_size(length_) + length_; }
    void write(Writer& writer) const;

private:
    const Properties& properties_;
    PropertyScope scope_;
    std::uint32_t length_ = 0;
};

}  // namespace wg::codec::detail
