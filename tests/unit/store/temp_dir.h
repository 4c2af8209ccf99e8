// A fresh directory under the system temporary directory, removed with all its
// contents (permissions restored first) when the test is done.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

namespace wg::test {

class TempDir {
public:
    TempDir() : path_{unique_path()} { std::filesystem::create_directories(path_); }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::permissions(path_, std::filesystem::perms::owner_all, ignored);
        for (const auto& entry : std::filesystem::directory_iterator{path_, ignored})
            std::filesystem::permissions(entry.path(), std::filesystem::perms::owner_all, ignored);
        std::filesystem::remove_all(path_, ignored);
    }

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path file(const std::string& name) const { return path_ / name; }

private:
    static std::filesystem::path unique_path() {
        static std::atomic<int> counter{0};
        return std::filesystem::temp_directory_path() /
               ("willgate-store-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    }

    std::filesystem::path path_;
};

inline bool running_as_root() { return ::geteuid() == 0; }

}  // namespace wg::test
