#pragma once
// Internal to the codec (not part of its API): the appender the packet
// encoders write with, and the size helpers they compute remaining lengths
// with before writing.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>
#include <vector>

#include "local_broker/codec/codec.h"

namespace wg::codec::detail {

inline constexpr std::size_t kMaxStringLength = 65'535;

constexpr bool is_v5(ProtocolVersion version) { return version == ProtocolVersion::Mqtt5; }

constexpr std::uint8_t raw(ReasonCode code) { return static_cast<std::uint8_t>(code); }

constexpr std::uint8_t first_byte(PacketType type, std::uint8_t flags = 0) {
    return static_cast<std::uint8_t>((static_cast<unsigned>(type) << 4U) | flags);
}

// A string as it fits a two-byte length prefix. Longer strings break the
// encoder's precondition; cutting them keeps the frame well formed.
inline std::string_view fit(std::string_view text) { return text.substr(0, kMaxStringLength); }

inline std::size_t prefixed_size(std::string_view text) { return 2 + fit(text).size(); }

// Appends to `out`; the constructor writes the fixed header and reserves room
// for the whole packet, so the writes after it never reallocate.
class Writer {
public:
    Writer(std::vector<std::uint8_t>& out, std::uint8_t first, std::size_t remaining_length)
        : out_(out) {
        const auto remaining = static_cast<std::uint32_t>(
            std::min<std::size_t>(remaining_length, kMaxRemainingLength));
        out_.reserve(out_.size() + 1 + varint_size(remaining) + remaining);
        u8(first);
        varint(remaining);
    }

    void u8(std::uint8_t value) { out_.push_back(value); }

    void u16(std::uint16_t value) {
        const std::uint8_t bytes[] = {static_cast<std::uint8_t>(value >> 8U),
                                      static_cast<std::uint8_t>(value & 0xFFU)};
        out_.insert(out_.end(), std::begin(bytes), std::end(bytes));
    }

    void u32(std::uint32_t value) {
        const std::uint8_t bytes[] = {
            static_cast<std::uint8_t>(value >> 24U), static_cast<std::uint8_t>(value >> 16U),
            static_cast<std::uint8_t>(value >> 8U), static_cast<std::uint8_t>(value & 0xFFU)};
        out_.insert(out_.end(), std::begin(bytes), std::end(bytes));
    }

    // Variable Byte Integer; values above kMaxRemainingLength (not expressible
    // in 4 bytes) are clamped to it, keeping the frame well formed.
    void varint(std::uint32_t value) {
        value = std::min(value, kMaxRemainingLength);
        std::uint8_t bytes[4] = {};
        std::size_t count = 0;
        do {
            auto byte = static_cast<std::uint8_t>(value & 0x7FU);
            value >>= 7U;
            if (value != 0) byte = static_cast<std::uint8_t>(byte | 0x80U);
            bytes[count++] = byte;
        } while (value != 0);
        out_.insert(out_.end(), bytes, bytes + count);
    }

    void raw_bytes(std::string_view bytes) { out_.insert(out_.end(), bytes.begin(), bytes.end()); }

    void prefixed(std::string_view text) {
        const std::string_view fitted = fit(text);
        u16(static_cast<std::uint16_t>(fitted.size()));
        raw_bytes(fitted);
    }

private:
    std::vector<std::uint8_t>& out_;
};

}  // namespace wg::codec::detail
