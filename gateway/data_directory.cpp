#include "gateway/data_directory.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace wg::gateway {

DataDirectory::DataDirectory(std::string path) : path_(std::move(path)) {
    std::error_code error;
    std::filesystem::create_directories(path_, error);
    if (error) throw std::runtime_error("data directory " + path_ + ": cannot create it: " + error.message());
    const std::string lock_path = path_ + "/willgate.lock";
    lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock_fd_ < 0)
        throw std::runtime_error("data directory " + path_ + ": cannot open " + lock_path + ": " + std::strerror(errno));
    if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
        const int cause = errno;
        ::close(lock_fd_);
        throw std::runtime_error("data directory " + path_ + ": " +
                                 (cause == EWOULDBLOCK ? std::string("in use by another running willgate")
                                                       : std::string("cannot lock: ") + std::strerror(cause)));
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(lock_fd_, 0) != 0 || ::write(lock_fd_, pid.data(), pid.size()) < 0) {
        // The pid is informational; the lock is what matters.
    }
}

DataDirectory::~DataDirectory() {
    if (lock_fd_ >= 0) ::close(lock_fd_);
}

}  // namespace wg::gateway
