#pragma once
// Small helpers shared by the codec unit tests.

#include <catch2/catch.hpp>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <variant>
#include <vector>

#include "local_broker/codec/codec.h"

namespace wg::codec::test {

using Bytes = std::vector<std::uint8_t>;

inline Bytes encoded(const Packet& packet, ProtocolVersion version) {
    Bytes out;
    encode(packet, version, out);
    return out;
}

inline Bytes bytes(std::initializer_list<int> values) {
    Bytes out;
    out.reserve(values.size());
    for (const int v : values) out.push_back(static_cast<std::uint8_t>(v));
    return out;
}

// Appends raw string bytes (no length prefix).
inline void append(Bytes& out, const std::string& text) {
    out.insert(out.end(), text.begin(), text.end());
}

// Appends a two-byte length prefixed string.
inline void append_prefixed(Bytes& out, const std::string& text) {
    // Reserving first also keeps GCC 12's -Warray-bounds false positive on
    // push_back followed by insert quiet.
    out.reserve(out.size() + 2 + text.size());
    out.push_back(static_cast<std::uint8_t>(text.size() >> 8U));
    out.push_back(static_cast<std::uint8_t>(text.size() & 0xFFU));
    append(out, text);
}

// Builds a frame from a first byte and a body, computing the remaining length.
inline Bytes frame(std::uint8_t first, const Bytes& body) {
    Bytes out{first};
    auto length = static_cast<std::uint32_t>(body.size());
    do {
        auto digit = static_cast<std::uint8_t>(length & 0x7FU);
        length >>= 7U;
        if (length != 0) digit = static_cast<std::uint8_t>(digit | 0x80U);
        out.push_back(digit);
    } while (length != 0);
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

inline bool is_error(const DecodeResult& result) {
    return std::holds_alternative<DecodeError>(result);
}

inline ReasonCode error_reason(const DecodeResult& result) {
    return std::get<DecodeError>(result).reason;
}

inline std::string error_message(const DecodeResult& result) {
    return is_error(result) ? std::get<DecodeError>(result).message : std::string();
}

}  // namespace wg::codec::test

namespace Catch {
template <>
struct StringMaker<wg::codec::ReasonCode> {
    static std::string convert(wg::codec::ReasonCode code) {
        return std::string(wg::codec::reason_name(code));
    }
};
template <>
struct StringMaker<wg::codec::FrameStatus> {
    static std::string convert(wg::codec::FrameStatus status) {
        switch (status) {
            case wg::codec::FrameStatus::Incomplete: return "Incomplete";
            case wg::codec::FrameStatus::Complete: return "Complete";
            case wg::codec::FrameStatus::Error: return "Error";
        }
        return "?";
    }
};
}  // namespace Catch
