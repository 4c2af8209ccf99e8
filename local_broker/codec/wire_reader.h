#pragma once
// Internal to the codec (not part of its API): the bounds-checked cursor the
// packet decoders read with, and the field readers that turn a failed read
// into a DecodeError.
//
// Error messages name the field and the place it sits in: `where` is a short
// noun such as "CONNECT" or "PUBLISH properties".

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "local_broker/codec/codec.h"

namespace wg::codec::detail {

enum class VarintStatus { Ok, Truncated, TooLong, NotMinimal };

// Bounds-checked cursor over a packet body. A failed read leaves the cursor
// where it was and returns false.
class Reader {
public:
    explicit Reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

    std::size_t remaining() const { return bytes_.size() - pos_; }
    bool at_end() const { return pos_ == bytes_.size(); }

    bool read_u8(std::uint8_t& value) {
        if (remaining() < 1) return false;
        value = bytes_[pos_++];
        return true;
    }

    bool read_u16(std::uint16_t& value) {
        if (remaining() < 2) return false;
        value = static_cast<std::uint16_t>((bytes_[pos_] << 8U) | bytes_[pos_ + 1]);
        pos_ += 2;
        return true;
    }

    bool read_u32(std::uint32_t& value) {
        if (remaining() < 4) return false;
        value = (std::uint32_t{bytes_[pos_]} << 24U) | (std::uint32_t{bytes_[pos_ + 1]} << 16U) |
                (std::uint32_t{bytes_[pos_ + 2]} << 8U) | std::uint32_t{bytes_[pos_ + 3]};
        pos_ += 4;
        return true;
    }

    // Variable Byte Integer (spec 1.5.5): at most 4 bytes, and no more than the
    // value needs (a last byte of 0 after the first is not minimal).
    VarintStatus read_varint(std::uint32_t& value) {
        std::uint32_t result = 0;
        for (std::size_t i = 0; i < 4; ++i) {
            if (i >= remaining()) return VarintStatus::Truncated;
            const std::uint8_t byte = bytes_[pos_ + i];
            result |= static_cast<std::uint32_t>(byte & 0x7FU) << (7U * i);
            if ((byte & 0x80U) == 0) {
                if (i > 0 && byte == 0) return VarintStatus::NotMinimal;
                pos_ += i + 1;
                value = result;
                return VarintStatus::Ok;
            }
        }
        return VarintStatus::TooLong;
    }

    // Two-byte length followed by that many bytes (spec 1.5.4 / 1.5.6).
    bool read_prefixed(std::string& value) {
        if (remaining() < 2) return false;
        const std::size_t length = (std::size_t{bytes_[pos_]} << 8U) | bytes_[pos_ + 1];
        if (remaining() - 2 < length) return false;
        pos_ += 2;
        take(length, value);
        return true;
    }

    void read_rest(std::string& value) { take(remaining(), value); }

    // A reader over the next `count` bytes, which this one skips.
    // Precondition: count <= remaining().
    Reader split(std::size_t count) {
        Reader part(bytes_.subspan(pos_, count));
        pos_ += count;
        return part;
    }

private:
    void take(std::size_t count, std::string& value) {
        const auto first = bytes_.begin() + static_cast<std::ptrdiff_t>(pos_);
        value.assign(first, first + static_cast<std::ptrdiff_t>(count));
        pos_ += count;
    }

    std::span<const std::uint8_t> bytes_;
    std::size_t pos_ = 0;
};

using MaybeError = std::optional<DecodeError>;

DecodeError malformed(std::string message);
DecodeError protocol_error(std::string message);

MaybeError read_u8(Reader& reader, std::uint8_t& value, std::string_view what,
                   std::string_view where);
MaybeError read_u16(Reader& reader, std::uint16_t& value, std::string_view what,
                    std::string_view where);
MaybeError read_u32(Reader& reader, std::uint32_t& value, std::string_view what,
                    std::string_view where);
MaybeError read_varint(Reader& reader, std::uint32_t& value, std::string_view what,
                       std::string_view where);
// Binary Data: any bytes.
MaybeError read_binary(Reader& reader, std::string& value, std::string_view what,
                       std::string_view where);
// UTF-8 Encoded String: MalformedPacket unless valid MQTT UTF-8 (spec 1.5.4).
MaybeError read_utf8(Reader& reader, std::string& value, std::string_view what,
                     std::string_view where);
// A non-zero Packet Identifier.
MaybeError read_packet_id(Reader& reader, std::uint16_t& id, std::string_view where);
// MalformedPacket when bytes are left over.
MaybeError expect_end(const Reader& reader, std::string_view where);

}  // namespace wg::codec::detail
