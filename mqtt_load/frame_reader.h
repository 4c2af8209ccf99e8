#pragma once
// Splits a TCP byte stream into MQTT packets. Complete packets are handed to the sink
// straight from the caller's buffer; only the start of a packet that has not fully arrived
// is copied (into partial_), so an idle connection holds no read buffer.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace wg::mqtt_load {

// Size of the packet starting at `bytes`: header_size is 0 while the fixed header is
// incomplete; malformed when the Remaining Length has more than 4 bytes.
struct FrameSize {
    bool malformed = false;
    std::size_t header_size = 0;
    std::size_t total = 0;
};

FrameSize frame_size(std::span<const std::uint8_t> bytes);

class FrameReader {
public:
    enum class Result { Ok, Malformed, Stopped };

    // Calls sink(header_byte, body) for each complete packet; a sink returning false stops
    // the feed (the connection was closed).
    template <typename Sink>
    Result feed(std::span<const std::uint8_t> bytes, Sink&& sink) {
        if (!partial_.empty()) {
            const Result result = complete_partial(bytes, sink);
            if (result != Result::Ok || !partial_.empty()) return result;
        }
        while (!bytes.empty()) {
            const FrameSize size = frame_size(bytes);
            if (size.malformed) return Result::Malformed;
            if (size.header_size == 0 || size.total > bytes.size()) {
                partial_.assign(bytes.begin(), bytes.end());
                return Result::Ok;
            }
            if (!sink(bytes[0], bytes.subspan(size.header_size, size.total - size.header_size))) {
                return Result::Stopped;
            }
            bytes = bytes.subspan(size.total);
        }
        return Result::Ok;
    }

    // Forgets a partial packet (the connection ended) and frees its buffer.
    void reset() { std::vector<std::uint8_t>{}.swap(partial_); }

private:
    // Moves bytes from the front of `bytes` into partial_ until it holds one whole packet,
    // then hands that packet to the sink.
    template <typename Sink>
    Result complete_partial(std::span<const std::uint8_t>& bytes, Sink& sink) {
        while (!bytes.empty()) {
            const FrameSize size = frame_size(partial_);
            if (size.malformed) return Result::Malformed;
            if (size.header_size == 0) {
                partial_.push_back(bytes[0]);
                bytes = bytes.subspan(1);
                continue;
            }
            const std::size_t take = std::min(size.total - partial_.size(), bytes.size());
            partial_.insert(partial_.end(), bytes.begin(),
                            bytes.begin() + static_cast<std::ptrdiff_t>(take));
            bytes = bytes.subspan(take);
            if (partial_.size() == size.total) {
                std::vector<std::uint8_t> packet;
                packet.swap(partial_);
                const std::span<const std::uint8_t> whole{packet};
                if (!sink(whole[0], whole.subspan(size.header_size))) return Result::Stopped;
                return Result::Ok;
            }
        }
        return Result::Ok;
    }

    std::vector<std::uint8_t> partial_;
};

}  // namespace wg::mqtt_load
