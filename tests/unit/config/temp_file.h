// A file in the temporary directory that is removed again when the test is done.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace wg::test {

class TempFile {
public:
    explicit TempFile(std::string_view contents) : path_{unique_path()} {
        std::ofstream out{path_, std::ios::binary};
        out << contents;
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile() {
        std::error_code ignored;
        std::filesystem::remove(path_, ignored);
    }

    std::string path() const { return path_.string(); }

private:
    static std::filesystem::path unique_path() {
        static std::atomic<int> counter{0};
        return std::filesystem::temp_directory_path() /
               ("willgate-config-test-" + std::to_string(::getpid()) + "-" +
                std::to_string(counter++) + ".toml");
    }

    std::filesystem::path path_;
};

}  // namespace wg::test
