#include "web/static_assets.h"

namespace wg::web {

const StaticAsset* find_static_asset(std::string_view path) {
    for (std::size_t i = 0; i < kStaticAssetCount; ++i) {
        if (path == kStaticAssets[i].path) {
            return &kStaticAssets[i];
        }
    }
    return nullptr;
}

}  // namespace wg::web
