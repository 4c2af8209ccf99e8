#pragma once
// The broker's $SYS topics: the figures of a BrokerStatus under the topic
// names Mosquitto uses, so that monitoring tools written for it keep working.
//
//   $SYS/broker/version                       "willgate version 0.1.0"
//   $SYS/broker/uptime                        "123 seconds"
//   $SYS/broker/clients/connected|disconnected|total
//   $SYS/broker/subscriptions/count
//   $SYS/broker/retained messages/count
//   $SYS/broker/messages/received|sent        PUBLISH packets since start
//   $SYS/broker/publish/messages/received|sent|dropped
//   $SYS/broker/bytes/received|sent           bytes on the client sockets
//   $SYS/broker/wills/published               (WillGate's own)
//
// Pure: the caller publishes them (retained) every few seconds.

#include <string>
#include <utility>
#include <vector>

#include "willgate/broker_status.h"

namespace wg::core {

std::vector<std::pair<std::string, std::string>> sys_topics(const broker::BrokerStatus& status);

}  // namespace wg::core
