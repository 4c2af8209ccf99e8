#pragma once
// MQTT 5.0 "kitchen sink" packets: every packet type carrying every property
// the spec (2.2.2.2) allows on it. Written out by hand, independently of the
// codec's own table, so the two check each other.

#include <string>
#include <vector>

#include "local_broker/codec/packet.h"

namespace wg::codec::test {

inline std::vector<UserProperty> user_properties() {
    // Order matters and names repeat: both must survive.
    return {{"region", "eu"}, {"k", ""}, {"region", "us"}, {"\xC3\xA9t\xC3\xA9", "\xE2\x82\xAC"}};
}

// Every property set, whatever the packet; the encoder writes only the ones
// each packet allows.
inline Properties every_property() {
    Properties p;
    p.payload_format_indicator = 1;
    p.message_expiry_interval = 3600;
    p.content_type = "application/json";
    p.response_topic = "reply/to/me";
    p.correlation_data = std::string("\x00\x01\xFF", 3);
    p.subscription_identifiers = {1, 268'435'455, 300};
    p.session_expiry_interval = 0xFFFF'FFFF;
    p.assigned_client_identifier = "auto-42";
    p.server_keep_alive = 120;
    p.authentication_method = "SCRAM-SHA-1";
    p.authentication_data = std::string("\x00\xFE", 2);
    p.request_problem_information = 0;
    p.will_delay_interval = 30;
    p.request_response_information = 1;
    p.response_information = "resp/base";
    p.server_reference = "other.example:1883";
    p.reason_string = "because";
    p.receive_maximum = 65'535;
    p.topic_alias_maximum = 10;
    p.topic_alias = 7;
    p.maximum_qos = 1;
    p.retain_available = 0;
    p.user_properties = user_properties();
    p.maximum_packet_size = 1'048'576;
    p.wildcard_subscription_available = 1;
    p.subscription_identifier_available = 0;
    p.shared_subscription_available = 1;
    return p;
}

inline Properties connect_properties() {
    const Properties all = every_property();
    Properties p;
    p.session_expiry_interval = all.session_expiry_interval;
    p.authentication_method = all.authentication_method;
    p.authentication_data = all.authentication_data;
    p.request_problem_information = all.request_problem_information;
    p.request_response_information = all.request_response_information;
    p.receive_maximum = all.receive_maximum;
    p.topic_alias_maximum = all.topic_alias_maximum;
    p.user_properties = all.user_properties;
    p.maximum_packet_size = all.maximum_packet_size;
    return p;
}

inline Properties will_properties() {
    const Properties all = every_property();
    Properties p;
    p.payload_format_indicator = all.payload_format_indicator;
    p.message_expiry_interval = all.message_expiry_interval;
    p.content_type = all.content_type;
    p.response_topic = all.response_topic;
    p.correlation_data = all.correlation_data;
    p.will_delay_interval = all.will_delay_interval;
    p.user_properties = all.user_properties;
    return p;
}

inline Properties connack_properties() {
    const Properties all = every_property();
    Properties p;
    p.session_expiry_interval = all.session_expiry_interval;
    p.assigned_client_identifier = all.assigned_client_identifier;
    p.server_keep_alive = all.server_keep_alive;
    p.authentication_method = all.authentication_method;
    p.authentication_data = all.authentication_data;
    p.response_information = all.response_information;
    p.server_reference = all.server_reference;
    p.reason_string = all.reason_string;
    p.receive_maximum = all.receive_maximum;
    p.topic_alias_maximum = all.topic_alias_maximum;
    p.maximum_qos = all.maximum_qos;
    p.retain_available = all.retain_available;
    p.user_properties = all.user_properties;
    p.maximum_packet_size = all.maximum_packet_size;
    p.wildcard_subscription_available = all.wildcard_subscription_available;
    p.subscription_identifier_available = all.subscription_identifier_available;
    p.shared_subscription_available = all.shared_subscription_available;
    return p;
}

inline Properties publish_properties() {
    const Properties all = every_property();
    Properties p;
    p.payload_format_indicator = all.payload_format_indicator;
    p.message_expiry_interval = all.message_expiry_interval;
    p.content_type = all.content_type;
    p.response_topic = all.response_topic;
    p.correlation_data = all.correlation_data;
    p.subscription_identifiers = all.subscription_identifiers;  // several
    p.topic_alias = all.topic_alias;
    p.user_properties = all.user_properties;
    return p;
}

// PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK.
inline Properties ack_properties() {
    Properties p;
    p.reason_string = every_property().reason_string;
    p.user_properties = user_properties();
    return p;
}

inline Properties subscribe_properties() {
    Properties p;
    p.subscription_identifiers = {every_property().subscription_identifiers.front()};
    p.user_properties = user_properties();
    return p;
}

inline Properties unsubscribe_properties() {
    Properties p;
    p.user_properties = user_properties();
    return p;
}

inline Properties disconnect_properties() {
    const Properties all = every_property();
    Properties p;
    p.session_expiry_interval = all.session_expiry_interval;
    p.reason_string = all.reason_string;
    p.user_properties = all.user_properties;
    p.server_reference = all.server_reference;
    return p;
}

inline Properties auth_properties() {
    const Properties all = every_property();
    Properties p;
    p.authentication_method = all.authentication_method;
    p.authentication_data = all.authentication_data;
    p.reason_string = all.reason_string;
    p.user_properties = all.user_properties;
    return p;
}

// One packet of each type, each (and the will) carrying props(its type), with
// PacketType 0 standing for the Will Properties.
template <typename MakeProperties>
std::vector<Packet> v5_packets(MakeProperties&& props) {
    Connect connect;
    connect.version = ProtocolVersion::Mqtt5;
    connect.clean_session = false;
    connect.keep_alive = 600;
    connect.client_id = "kitchen-sink";
    connect.properties = props(PacketType::Connect);
    connect.will = Will{"will/topic", "gone \xE2\x9C\x9D", QoS::ExactlyOnce, true,
                        props(static_cast<PacketType>(0))};  // type 0: Will Properties
    connect.username = "user";
    connect.password = std::string("\x00pw", 3);

    Publish publish{"sensors/1", "{\"t\":21.5}", QoS::AtLeastOnce, true, true, 99, {}};
    publish.properties = props(PacketType::Publish);
    Subscribe subscribe{11,
                        {{"a/+", QoS::ExactlyOnce, true, true, 2},
                         {"$share/g/b", QoS::AtLeastOnce, false, true, 1},
                         {"#", QoS::AtMostOnce, false, false, 0}},
                        props(PacketType::Subscribe)};
    return {
        connect,
        Connack{true, ReasonCode::Success, props(PacketType::Connack)},
        publish,
        Puback{1, ReasonCode::NoMatchingSubscribers, props(PacketType::Puback)},
        Pubrec{2, ReasonCode::Success, props(PacketType::Pubrec)},
        Pubrel{3, ReasonCode::PacketIdentifierNotFound, props(PacketType::Pubrel)},
        Pubcomp{4, ReasonCode::Success, props(PacketType::Pubcomp)},
        subscribe,
        Suback{11,
               {ReasonCode::GrantedQoS2, ReasonCode::GrantedQoS1,
                ReasonCode::WildcardSubscriptionsNotSupported},
               props(PacketType::Suback)},
        Unsubscribe{12, {"a/+", "$share/g/b"}, props(PacketType::Unsubscribe)},
        Unsuback{12, {ReasonCode::Success, ReasonCode::NoSubscriptionExisted},
                 props(PacketType::Unsuback)},
        Pingreq{},
        Pingresp{},
        Disconnect{ReasonCode::ServerMoved, props(PacketType::Disconnect)},
        Auth{ReasonCode::ContinueAuthentication, props(PacketType::Auth)},
    };
}

// The kitchen-sink properties of a packet type; type 0 stands for the Will.
inline Properties allowed_properties(PacketType type) {
    switch (static_cast<int>(type)) {
        case 0: return will_properties();
        case 1: return connect_properties();
        case 2: return connack_properties();
        case 3: return publish_properties();
        case 8: return subscribe_properties();
        case 10: return unsubscribe_properties();
        case 14: return disconnect_properties();
        case 15: return auth_properties();
        case 12:
        case 13: return {};
        default: return ack_properties();
    }
}

inline std::vector<Packet> v5_kitchen_sink() { return v5_packets(allowed_properties); }

}  // namespace wg::codec::test
