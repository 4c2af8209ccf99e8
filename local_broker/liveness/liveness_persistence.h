#pragma once
// Where the liveness registry writes (implemented by local_broker/store in the
// gateway's SQLite database, which also serves the reading side).
//
// Threading: called on the broker's event-loop thread; implementations queue
// and return without waiting for the disk, and apply the records in call
// order.

#include "local_broker/liveness/device_records.h"

namespace wg::liveness {

class LivenessPersistence {
public:
    virtual ~LivenessPersistence() = default;
    // The device is online; its history gets an "online" transition.
    virtual void device_connected(const DeviceConnection& connection) = 0;
    // The device is offline; its history gets an "offline" transition with the cause.
    virtual void device_disconnected(const DeviceDisconnection& disconnection) = 0;
    // The device's current connection was active: last seen and its counters.
    virtual void device_activity(const DeviceActivity& activity) = 0;
    // The device's last published Will (a device never seen before gets a row, offline).
    virtual void device_will_published(const DeviceWill& will) = 0;
};

}  // namespace wg::liveness
