#include "local_broker/codec/wire_reader.h"

#include "local_broker/codec/topic.h"

namespace wg::codec::detail {

namespace {

std::string truncated(std::string_view what, std::string_view where) {
    return std::string(what) + " runs past the end of " + std::string(where);
}

}  // namespace

DecodeError malformed(std::string message) {
    return DecodeError{ReasonCode::MalformedPacket, std::move(message), std::nullopt};
}

DecodeError protocol_error(std::string message) {
    return DecodeError{ReasonCode::ProtocolError, std::move(message), std::nullopt};
}

MaybeError read_u8(Reader& reader, std::uint8_t& value, std::string_view what,
                   std::string_view where) {
    if (!reader.read_u8(value)) return malformed(truncated(what, where));
    return std::nullopt;
}

MaybeError read_u16(Reader& reader, std::uint16_t& value, std::string_view what,
                    std::string_view where) {
    if (!reader.read_u16(value)) return malformed(truncated(what, where));
    return std::nullopt;
}

MaybeError read_u32(Reader& reader, std::uint32_t& value, std::string_view what,
                    std::string_view where) {
    if (!reader.read_u32(value)) return malformed(truncated(what, where));
    return std::nullopt;
}

MaybeError read_varint(Reader& reader, std::uint32_t& value, std::string_view what,
                       std::string_view where) {
    switch (reader.read_varint(value)) {
        case VarintStatus::Ok: return std::nullopt;
        case VarintStatus::Truncated: return malformed(truncated(what, where));
        case VarintStatus::NotMinimal:
            return malformed(std::string(what) + " in " + std::string(where) +
                             " is not minimally encoded (spec 1.5.5)");
        case VarintStatus::TooLong: break;
    }
    return malformed(std::string(what) + " in " + std::string(where) +
                     " is a variable byte integer longer than 4 bytes");
}

MaybeError read_binary(Reader& reader, std::string& value, std::string_view what,
                       std::string_view where) {
    if (!reader.read_prefixed(value)) return malformed(truncated(what, where));
    return std::nullopt;
}

MaybeError read_utf8(Reader& reader, std::string& value, std::string_view what,
                     std::string_view where) {
    if (auto error = read_binary(reader, value, what, where)) return error;
    if (!is_valid_utf8(value)) {
        return malformed(std::string(what) + " in " + std::string(where) +
                         " is not valid UTF-8 (spec 1.5.4)");
    }
    return std::nullopt;
}

MaybeError read_packet_id(Reader& reader, std::uint16_t& id, std::string_view where) {
    if (auto error = read_u16(reader, id, "packet identifier", where)) return error;
    if (id == 0) return malformed("packet identifier 0 in " + std::string(where));
    return std::nullopt;
}

MaybeError expect_end(const Reader& reader, std::string_view where) {
    if (reader.at_end()) return std::nullopt;
    return malformed(std::to_string(reader.remaining()) + " unexpected trailing bytes in " +
                     std::string(where));
}

}  // namespace wg::codec::detail
