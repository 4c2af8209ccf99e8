#pragma once
// The gateway's data directory: created if missing, and locked so that two
// gateways never share one (the durable state lives there).
//
// Errors: the constructor throws std::runtime_error naming the path and the
// cause (cannot create, not writable, already locked by another gateway).

#include <string>

namespace wg::gateway {

class DataDirectory {
public:
    explicit DataDirectory(std::string path);
    ~DataDirectory();
    DataDirectory(const DataDirectory&) = delete;
    DataDirectory& operator=(const DataDirectory&) = delete;

    const std::string& path() const { return path_; }

private:
    std::string path_;
    int lock_fd_ = -1;
};

}  // namespace wg::gateway
