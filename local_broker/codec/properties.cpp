// MQTT 5.0 properties: the spec 2.2.2.2 table (identifier, name, the packets
// that may carry it) and the property codec. One visitor, for_each_property(),
// pairs each table entry with its Properties member, so decoding, sizing and
// writing share the table and the member list.

#include "local_broker/codec/properties.h"

#include <algorithm>
#include <string>
#include <type_traits>

#include "local_broker/codec/topic.h"

namespace wg::codec::detail {

namespace {

using S = PropertyScope;

constexpr std::uint16_t bit(PropertyScope scope) {
    return static_cast<std::uint16_t>(1U << static_cast<unsigned>(scope));
}

struct PropertyInfo {
    std::uint8_t id;
    std::string_view name;
    std::uint16_t scopes;   // bit(scope) for each scope that allows it
    bool binary = false;    // Binary Data rather than a UTF-8 Encoded String
    bool nonzero = false;   // the value 0 is refused
};

constexpr std::uint16_t kMessage = bit(S::Publish) | bit(S::Will);
constexpr std::uint16_t kConnectConnack = bit(S::Connect) | bit(S::Connack);
constexpr std::uint16_t kAuthentication = bit(S::Connect) | bit(S::Connack) | bit(S::Auth);
constexpr std::uint16_t kAcks = bit(S::Puback) | bit(S::Pubrec) | bit(S::Pubrel) |
                                bit(S::Pubcomp) | bit(S::Suback) | bit(S::Unsuback);
constexpr std::uint16_t kReasonStringScopes =
    kAcks | bit(S::Connack) | bit(S::Disconnect) | bit(S::Auth);
constexpr std::uint16_t kEverywhere = kReasonStringScopes | kMessage | bit(S::Connect) |
                                      bit(S::Subscribe) | bit(S::Unsubscribe);

// Spec 2.2.2.2. Every Byte property is a 0/1 flag (any other value is a
// Protocol Error); Subscription Identifier is the one Variable Byte Integer.
constexpr PropertyInfo kPayloadFormatIndicator{0x01, "Payload Format Indicator", kMessage};
constexpr PropertyInfo kMessageExpiryInterval{0x02, "Message Expiry Interval", kMessage};
constexpr PropertyInfo kContentType{0x03, "Content Type", kMessage};
constexpr PropertyInfo kResponseTopic{0x08, "Response Topic", kMessage};
constexpr PropertyInfo kCorrelationData{0x09, "Correlation Data", kMessage, true};
constexpr PropertyInfo kSubscriptionIdentifier{
    0x0B, "Subscription Identifier", bit(S::Publish) | bit(S::Subscribe), false, true};
constexpr PropertyInfo kSessionExpiryInterval{0x11, "Session Expiry Interval",
                                              kConnectConnack | bit(S::Disconnect)};
constexpr PropertyInfo kAssignedClientIdentifier{0x12, "Assigned Client Identifier",
                                                 bit(S::Connack)};
constexpr PropertyInfo kServerKeepAlive{0x13, "Server Keep Alive", bit(S::Connack)};
constexpr PropertyInfo kAuthenticationMethod{0x15, "Authentication Method", kAuthentication};
constexpr PropertyInfo kAuthenticationData{0x16, "Authentication Data", kAuthentication, true};
constexpr PropertyInfo kRequestProblemInformation{0x17, "Request Problem Information",
                                                  bit(S::Connect)};
constexpr PropertyInfo kWillDelayInterval{0x18, "Will Delay Interval", bit(S::Will)};
constexpr PropertyInfo kRequestResponseInformation{0x19, "Request Response Information",
                                                   bit(S::Connect)};
constexpr PropertyInfo kResponseInformation{0x1A, "Response Information", bit(S::Connack)};
constexpr PropertyInfo kServerReference{0x1C, "Server Reference",
                                        bit(S::Connack) | bit(S::Disconnect)};
constexpr PropertyInfo kReasonString{0x1F, "Reason String", kReasonStringScopes};
constexpr PropertyInfo kReceiveMaximum{0x21, "Receive Maximum", kConnectConnack, false, true};
constexpr PropertyInfo kTopicAliasMaximum{0x22, "Topic Alias Maximum", kConnectConnack};
constexpr PropertyInfo kTopicAlias{0x23, "Topic Alias", bit(S::Publish), false, true};
constexpr PropertyInfo kMaximumQoS{0x24, "Maximum QoS", bit(S::Connack)};
constexpr PropertyInfo kRetainAvailable{0x25, "Retain Available", bit(S::Connack)};
constexpr PropertyInfo kUserProperty{0x26, "User Property", kEverywhere};
constexpr PropertyInfo kMaximumPacketSize{0x27, "Maximum Packet Size", kConnectConnack, false,
                                          true};
constexpr PropertyInfo kWildcardSubscriptionAvailable{0x28, "Wildcard Subscription Available",
                                                      bit(S::Connack)};
constexpr PropertyInfo kSubscriptionIdentifierAvailable{
    0x29, "Subscription Identifier Available", bit(S::Connack)};
constexpr PropertyInfo kSharedSubscriptionAvailable{0x2A, "Shared Subscription Available",
                                                    bit(S::Connack)};

// Calls visit(info, member) for every property, in identifier order. `Props`
// is Properties or const Properties.
template <typename Props, typename Visit>
void for_each_property(Props& p, Visit&& visit) {
    visit(kPayloadFormatIndicator, p.payload_format_indicator);
    visit(kMessageExpiryInterval, p.message_expiry_interval);
    visit(kContentType, p.content_type);
    visit(kResponseTopic, p.response_topic);
    visit(kCorrelationData, p.correlation_data);
    visit(kSubscriptionIdentifier, p.subscription_identifiers);
    visit(kSessionExpiryInterval, p.session_expiry_interval);
    visit(kAssignedClientIdentifier, p.assigned_client_identifier);
    visit(kServerKeepAlive, p.server_keep_alive);
    visit(kAuthenticationMethod, p.authentication_method);
    visit(kAuthenticationData, p.authentication_data);
    visit(kRequestProblemInformation, p.request_problem_information);
    visit(kWillDelayInterval, p.will_delay_interval);
    visit(kRequestResponseInformation, p.request_response_information);
    visit(kResponseInformation, p.response_information);
    visit(kServerReference, p.server_reference);
    visit(kReasonString, p.reason_string);
    visit(kReceiveMaximum, p.receive_maximum);
    visit(kTopicAliasMaximum, p.topic_alias_maximum);
    visit(kTopicAlias, p.topic_alias);
    visit(kMaximumQoS, p.maximum_qos);
    visit(kRetainAvailable, p.retain_available);
    visit(kUserProperty, p.user_properties);
    visit(kMaximumPacketSize, p.maximum_packet_size);
    visit(kWildcardSubscriptionAvailable, p.wildcard_subscription_available);
    visit(kSubscriptionIdentifierAvailable, p.subscription_identifier_available);
    visit(kSharedSubscriptionAvailable, p.shared_subscription_available);
}

constexpr bool allowed(const PropertyInfo& info, PropertyScope scope) {
    return (info.scopes & bit(scope)) != 0;
}

// "PUBLISH", or "Will Properties" for the will.
std::string_view scope_label(PropertyScope scope) {
    return scope == S::Will ? "Will Properties" : packet_name(static_cast<PacketType>(scope));
}

// --- decoding ---------------------------------------------------------------

DecodeError duplicate(const PropertyInfo& info, PropertyScope scope) {
    return protocol_error(std::string(info.name) + " appears more than once in " +
                          std::string(section_name(scope)));
}

MaybeError check_nonzero(const PropertyInfo& info, PropertyScope scope, std::uint32_t value) {
    if (value != 0 || !info.nonzero) return std::nullopt;
    const std::string message =
        std::string(info.name) + " 0 in " + std::string(section_name(scope));
    if (info.id == kTopicAlias.id) {
        return DecodeError{ReasonCode::TopicAliasInvalid, message, std::nullopt};
    }
    return protocol_error(message);
}

MaybeError read_value(Reader& reader, const PropertyInfo& info, PropertyScope scope,
                      std::optional<std::uint8_t>& field) {
    std::uint8_t value = 0;
    if (auto e = read_u8(reader, value, info.name, section_name(scope))) return e;
    if (field) return duplicate(info, scope);
    if (value > 1) {
        return protocol_error(std::string(info.name) + " " + std::to_string(value) + " in " +
                              std::string(section_name(scope)) + " is neither 0 nor 1");
    }
    field = value;
    return std::nullopt;
}

template <typename Int>
MaybeError read_value(Reader& reader, const PropertyInfo& info, PropertyScope scope,
                      std::optional<Int>& field) {
    static_assert(std::is_same_v<Int, std::uint16_t> || std::is_same_v<Int, std::uint32_t>);
    Int value = 0;
    MaybeError error;
    if constexpr (std::is_same_v<Int, std::uint16_t>) {
        error = read_u16(reader, value, info.name, section_name(scope));
    } else {
        error = read_u32(reader, value, info.name, section_name(scope));
    }
    if (error) return error;
    if (field) return duplicate(info, scope);
    if (auto e = check_nonzero(info, scope, value)) return e;
    field = value;
    return std::nullopt;
}

MaybeError read_value(Reader& reader, const PropertyInfo& info, PropertyScope scope,
                      std::optional<std::string>& field) {
    std::string value;
    const std::string_view where = section_name(scope);
    if (auto e = info.binary ? read_binary(reader, value, info.name, where)
                             : read_utf8(reader, value, info.name, where)) {
        return e;
    }
    if (field) return duplicate(info, scope);
    // A Topic Name (spec 3.3.2.3.5): non-empty, no wildcards.
    if (info.id == kResponseTopic.id && !is_valid_topic_name(value)) {
        return protocol_error("Response Topic in " + std::string(where) +
                              " is not a valid topic name");
    }
    field = std::move(value);
    return std::nullopt;
}

// Subscription Identifier: repeatable in PUBLISH only (spec 3.3.2.3.8, 3.8.2.1.2).
MaybeError read_value(Reader& reader, const PropertyInfo& info, PropertyScope scope,
                      std::vector<std::uint32_t>& field) {
    std::uint32_t value = 0;
    if (auto e = read_varint(reader, value, info.name, section_name(scope))) return e;
    if (!field.empty() && scope != S::Publish) return duplicate(info, scope);
    if (auto e = check_nonzero(info, scope, value)) return e;
    field.push_back(value);
    return std::nullopt;
}

MaybeError read_value(Reader& reader, const PropertyInfo&, PropertyScope scope,
                      std::vector<UserProperty>& field) {
    UserProperty user;
    const std::string_view where = section_name(scope);
    if (auto e = read_utf8(reader, user.name, "User Property name", where)) return e;
    if (auto e = read_utf8(reader, user.value, "User Property value", where)) return e;
    field.push_back(std::move(user));
    return std::nullopt;
}

std::string hex(std::uint32_t value) {
    constexpr char kDigits[] = "0123456789ABCDEF";
    std::string text;
    do {
        text.insert(text.begin(), kDigits[value & 0x0FU]);
        value >>= 4U;
    } while (value != 0);
    if (text.size() % 2 != 0) text.insert(text.begin(), '0');
    return "0x" + text;
}

MaybeError decode_one(Reader& section, PropertyScope scope, Properties& properties) {
    std::uint32_t id = 0;
    if (auto e = read_varint(section, id, "property identifier", section_name(scope))) return e;
    bool known = false;
    MaybeError error;
    for_each_property(properties, [&](const PropertyInfo& info, auto& field) {
        if (info.id != id) return;
        known = true;
        if (!allowed(info, scope)) {
            error = malformed("property " + std::string(info.name) + " not allowed in " +
                              std::string(scope_label(scope)));
            return;
        }
        error = read_value(section, info, scope, field);
    });
    if (!known) {
        return malformed("unknown property identifier " + hex(id) + " in " +
                         std::string(section_name(scope)));
    }
    return error;
}

// --- encoding ---------------------------------------------------------------

// Subscription Identifiers the encoder writes: all in PUBLISH, else the first.
std::size_t identifier_count(const std::vector<std::uint32_t>& ids, PropertyScope scope) {
    return scope == S::Publish ? ids.size() : std::min<std::size_t>(ids.size(), 1);
}

template <typename T>
std::size_t encoded_size(const std::optional<T>& field, PropertyScope) {
    if (!field) return 0;
    if constexpr (std::is_same_v<T, std::string>) {
        return 1 + prefixed_size(*field);
    } else {
        return 1 + sizeof(T);
    }
}

std::size_t encoded_size(const std::vector<std::uint32_t>& ids, PropertyScope scope) {
    std::size_t size = 0;
    for (std::size_t i = 0; i < identifier_count(ids, scope); ++i) size += 1 + varint_size(ids[i]);
    return size;
}

std::size_t encoded_size(const std::vector<UserProperty>& users, PropertyScope) {
    std::size_t size = 0;
    for (const UserProperty& user : users) {
        size += 1 + prefixed_size(user.name) + prefixed_size(user.value);
    }
    return size;
}

template <typename T>
void write_value(Writer& writer, const PropertyInfo& info, const std::optional<T>& field,
                 PropertyScope) {
    if (!field) return;
    writer.u8(info.id);
    if constexpr (std::is_same_v<T, std::string>) {
        writer.prefixed(*field);
    } else if constexpr (std::is_same_v<T, std::uint8_t>) {
        writer.u8(*field);
    } else if constexpr (std::is_same_v<T, std::uint16_t>) {
        writer.u16(*field);
    } else {
        writer.u32(*field);
    }
}

void write_value(Writer& writer, const PropertyInfo& info, const std::vector<std::uint32_t>& ids,
                 PropertyScope scope) {
    for (std::size_t i = 0; i < identifier_count(ids, scope); ++i) {
        writer.u8(info.id);
        writer.varint(ids[i]);
    }
}

void write_value(Writer& writer, const PropertyInfo& info, const std::vector<UserProperty>& users,
                 PropertyScope) {
    for (const UserProperty& user : users) {
        writer.u8(info.id);
        writer.prefixed(user.name);
        writer.prefixed(user.value);
    }
}

}  // namespace

std::string_view section_name(PropertyScope scope) {
    switch (scope) {
        case S::Will: return "Will Properties";
        case S::Connect: return "CONNECT properties";
        case S::Connack: return "CONNACK properties";
        case S::Publish: return "PUBLISH properties";
        case S::Puback: return "PUBACK properties";
        case S::Pubrec: return "PUBREC properties";
        case S::Pubrel: return "PUBREL properties";
        case S::Pubcomp: return "PUBCOMP properties";
        case S::Subscribe: return "SUBSCRIBE properties";
        case S::Suback: return "SUBACK properties";
        case S::Unsubscribe: return "UNSUBSCRIBE properties";
        case S::Unsuback: return "UNSUBACK properties";
        case S::Disconnect: return "DISCONNECT properties";
        case S::Auth: return "AUTH properties";
    }
    return "properties";
}

MaybeError decode_properties(Reader& reader, PropertyScope scope, Properties& properties) {
    const std::string_view where = section_name(scope);
    std::uint32_t length = 0;
    if (auto e = read_varint(reader, length, "property length", where)) return e;
    if (length > reader.remaining()) {
        return malformed(std::string(where) + " length " + std::to_string(length) +
                         " runs past the end of the packet");
    }
    Reader section = reader.split(length);
    while (!section.at_end()) {
        if (auto e = decode_one(section, scope, properties)) return e;
    }
    // Spec 3.1.2.11.10 (and likewise wherever the pair may appear).
    if (properties.authentication_data && !properties.authentication_method) {
        return protocol_error("Authentication Data without Authentication Method in " +
                              std::string(where));
    }
    return std::nullopt;
}

PropertySection::PropertySection(const Properties& properties, PropertyScope scope)
    : properties_(properties), scope_(scope) {
    std::size_t length = 0;
    for_each_property(properties, [&](const PropertyInfo& info, const auto& field) {
        if (allowed(info, scope)) length += encoded_size(field, scope);
    });
    length_ = static_cast<std::uint32_t>(length);
}

void PropertySection::write(Writer& writer) const {
    writer.varint(length_);
    for_each_property(properties_, [&](const PropertyInfo& info, const auto& field) {
        if (allowed(info, scope_)) write_value(writer, info, field, scope_);
    });
}

}  // namespace wg::codec::detail
