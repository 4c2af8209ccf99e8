# Warning flags shared by every target of ours (linked PRIVATE).
add_library(wg_warnings INTERFACE)
target_compile_options(wg_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                             -Wno-sign-conversion -Wno-missing-field-initializers)
if(WILLGATE_WERROR)
  target_compile_options(wg_warnings INTERFACE -Werror)
endif()
add_library(wg::warnings ALIAS wg_warnings)

# GCC 12 at -O3 (the release preset only) warns -Wrestrict inside libstdc++'s
# string concatenation where no overlap is possible (GCC bug 105651, fixed in
# GCC 13); the warning would only alarm whoever runs scripts/run.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(wg_warnings INTERFACE $<$<CONFIG:Release>:-Wno-restrict>)
endif()
