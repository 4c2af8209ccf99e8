#include "local_broker/codec/codec.h"

namespace wg::codec {

namespace {

constexpr std::size_t kMaxVarintBytes = 4;

FrameResult frame_error(const FrameHeader& header, ReasonCode reason, std::string message) {
    FrameResult result;
    result.status = FrameStatus::Error;
    result.header = header;
    result.error = DecodeError{reason, std::move(message), std::nullopt};
    return result;
}

}  // namespace

FrameResult read_frame_header(std::span<const std::uint8_t> bytes, std::uint32_t max_packet_size) {
    FrameResult result;
    if (bytes.empty()) return result;

    result.header.first_byte = bytes[0];
    if ((bytes[0] >> 4U) == 0) {
        return frame_error(result.header, ReasonCode::MalformedPacket, "reserved packet type 0");
    }

    std::uint32_t value = 0;
    for (std::size_t i = 0; i < kMaxVarintBytes; ++i) {
        if (1 + i >= bytes.size()) return result;  // varint not complete yet
        const std::uint8_t byte = bytes[1 + i];
        value |= static_cast<std::uint32_t>(byte & 0x7FU) << (7U * i);
        if ((byte & 0x80U) != 0) continue;

        result.header.header_size = 2 + i;
        result.header.remaining_length = value;
        const std::uint64_t total = result.header.total_size();
        if (total > max_packet_size) {
            return frame_error(result.header, ReasonCode::PacketTooLarge,
                               "packet size " + std::to_string(total) + " exceeds the limit of " +
                                   std::to_string(max_packet_size) + " bytes");
        }
        result.status = FrameStatus::Complete;
        return result;
    }
    return frame_error(result.header, ReasonCode::MalformedPacket,
                       "remaining length longer than 4 bytes");
}

std::size_t varint_size(std::uint32_t value) {
    if (value < 0x80U) return 1;
    if (value < 0x4000U) return 2;
    if (value < 0x20'0000U) return 3;
    return 4;
}

}  // namespace wg::codec
