#include "local_broker/store/properties_blob.h"

namespace wg::store {
namespace {

constexpr std::uint8_t kPayloadFormatIndicator = 0x01;
constexpr std::uint8_t kMessageExpiryInterval = 0x02;
constexpr std::uint8_t kContentType = 0x03;
constexpr std::uint8_t kResponseTopic = 0x08;
constexpr std::uint8_t kCorrelationData = 0x09;
constexpr std::uint8_t kWillDelayInterval = 0x18;
constexpr std::uint8_t kUserProperty = 0x26;

class BlobWriter {
public:
    void byte(std::uint8_t value) { out_.push_back(static_cast<char>(value)); }
    void u32(std::uint32_t value) {
        for (int shift = 24; shift >= 0; shift -= 8) byte(static_cast<std::uint8_t>(value >> shift));
    }
    void bytes(std::string_view value) {
        u32(static_cast<std::uint32_t>(value.size()));
        out_.append(value);
    }
    std::string take() { return std::move(out_); }

private:
    std::string out_;
};

class BlobReader {
public:
    explicit BlobReader(std::string_view blob) : rest_{blob} {}

    bool at_end() const { return rest_.empty(); }
    std::optional<std::uint8_t> byte() {
        if (rest_.empty()) return std::nullopt;
        const auto value = static_cast<std::uint8_t>(rest_.front());
        rest_.remove_prefix(1);
        return value;
    }
    std::optional<std::uint32_t> u32() {
        if (rest_.size() < 4) return std::nullopt;
        std::uint32_t value = 0;
        for (int i = 0; i < 4; ++i) value = (value << 8) | static_cast<std::uint8_t>(rest_[static_cast<std::size_t>(i)]);
        rest_.remove_prefix(4);
        return value;
    }
    std::optional<std::string> bytes() {
        const auto size = u32();
        if (!size || *size > rest_.size()) return std::nullopt;
        std::string value{rest_.substr(0, *size)};
        rest_.remove_prefix(*size);
        return value;
    }

private:
    std::string_view rest_;
};

std::string hex(std::uint8_t id) {
    constexpr std::string_view kDigits = "0123456789abcdef";
    return std::string("0x") + kDigits[id >> 4] + kDigits[id & 0x0f];
}

// Reads one value into `slot`, which must still be empty.
template <typename T, typename Read>
std::string read_once(std::optional<T>& slot, std::uint8_t id, Read&& read) {
    if (slot) return "property " + hex(id) + " appears twice";
    auto value = read();
    if (!value) return "property " + hex(id) + " is truncated";
    slot = std::move(*value);
    return {};
}

}  // namespace

std::string encode_properties_blob(const codec::Properties& properties) {
    BlobWriter writer;
    writer.byte(kPropertiesBlobVersion);
    bool any = false;
    const auto entry = [&](std::uint8_t id) {
        writer.byte(id);
        any = true;
    };
    if (properties.payload_format_indicator) {
        entry(kPayloadFormatIndicator);
        writer.byte(*properties.payload_format_indicator);
    }
    if (properties.message_expiry_interval) {
        entry(kMessageExpiryInterval);
        writer.u32(*properties.message_expiry_interval);
    }
    if (properties.content_type) {
        entry(kContentType);
        writer.bytes(*properties.content_type);
    }
    if (properties.response_topic) {
        entry(kResponseTopic);
        writer.bytes(*properties.response_topic);
    }
    if (properties.correlation_data) {
        entry(kCorrelationData);
        writer.bytes(*properties.correlation_data);
    }
    if (properties.will_delay_interval) {
        entry(kWillDelayInterval);
        writer.u32(*properties.will_delay_interval);
    }
    for (const auto& user : properties.user_properties) {
        entry(kUserProperty);
        writer.bytes(user.name);
        writer.bytes(user.value);
    }
    return any ? writer.take() : std::string{};
}

DecodedProperties decode_properties_blob(std::string_view blob) {
    DecodedProperties result;
    codec::Properties properties;
    if (blob.empty()) {
        result.properties = std::move(properties);
        return result;
    }
    BlobReader reader{blob};
    if (const auto version = reader.byte(); version != kPropertiesBlobVersion) {
        result.error = "unknown properties format version " + std::to_string(*version);
        return result;
    }
    while (!reader.at_end()) {
        const std::uint8_t id = *reader.byte();
        std::string error;
        switch (id) {
        case kPayloadFormatIndicator:
            error = read_once(properties.payload_format_indicator, id, [&] { return reader.byte(); });
            break;
        case kMessageExpiryInterval:
            error = read_once(properties.message_expiry_interval, id, [&] { return reader.u32(); });
            break;
        case kContentType:
            error = read_once(properties.content_type, id, [&] { return reader.bytes(); });
            break;
        case kResponseTopic:
            error = read_once(properties.response_topic, id, [&] { return reader.bytes(); });
            break;
        case kCorrelationData:
            error = read_once(properties.correlation_data, id, [&] { return reader.bytes(); });
            break;
        case kWillDelayInterval:
            error = read_once(properties.will_delay_interval, id, [&] { return reader.u32(); });
            break;
        case kUserProperty: {
            auto name = reader.bytes();
            auto value = name ? reader.bytes() : std::nullopt;
            if (!value) error = "property " + hex(id) + " is truncated";
            else properties.user_properties.push_back({std::move(*name), std::move(*value)});
            break;
        }
        default:
            error = "unknown property " + hex(id);
        }
        if (!error.empty()) {
            result.error = std::move(error);
            return result;
        }
    }
    result.properties = std::move(properties);
    return result;
}

}  // namespace wg::store
