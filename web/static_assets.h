// The dashboard's files (web/assets/), compiled into the binary by web/embed_assets.cmake.
// Lookup is by exact URL path against a fixed table: nothing is ever read from the disk, so
// "/assets/../../etc/passwd" and its encodings are simply not found.
#pragma once

#include <cstddef>
#include <string_view>

namespace wg::web {

struct StaticAsset {
    const char* path;          // "/", "/assets/app.js"
    const char* content_type;  // "text/html; charset=utf-8"
    const unsigned char* data;
    std::size_t size;

    std::string_view body() const { return {reinterpret_cast<const char*>(data), size}; }
};

// nullptr when `path` names no asset.
const StaticAsset* find_static_asset(std::string_view path);

// The generated table (static_assets_data.cpp in the build tree).
extern const StaticAsset kStaticAssets[];
extern const std::size_t kStaticAssetCount;

}  // namespace wg::web
