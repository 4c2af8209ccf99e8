#include "mqtt_load/frame_reader.h"

namespace wg::mqtt_load {

FrameSize frame_size(std::span<const std::uint8_t> bytes) {
    FrameSize size;
    std::size_t length = 0;
    std::size_t multiplier = 1;
    for (std::size_t i = 1; i < bytes.size(); ++i) {
        length += (bytes[i] & 0x7fU) * multiplier;
        if ((bytes[i] & 0x80U) == 0) {
            size.header_size = i + 1;
            size.total = size.header_size + length;
            return size;
        }
        if (i == 4) {
            size.malformed = true;
            return size;
        }
        multiplier *= 128;
    }
    return size;
}

}  // namespace wg::mqtt_load
