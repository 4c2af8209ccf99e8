#include "local_broker/core/message.h"

namespace wg::core {

MessagePtr make_message(std::string topic, std::string payload, codec::QoS qos, bool retain,
                        codec::Properties properties, const Clock& clock, bool will) {
    Message message{std::move(topic), std::move(payload), qos, retain, {}, {}, will};
    if (properties.message_expiry_interval)
        message.expires_at = clock.now() + std::chrono::seconds(*properties.message_expiry_interval);
    message.properties.payload_format_indicator = properties.payload_format_indicator;
    message.properties.content_type = std::move(properties.content_type);
    message.properties.response_topic = std::move(properties.response_topic);
    message.properties.correlation_data = std::move(properties.correlation_data);
    message.properties.user_properties = std::move(properties.user_properties);
    return std::make_shared<const Message>(std::move(message));
}

}  // namespace wg::core
