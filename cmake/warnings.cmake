# Warning flags shared by every target of ours (linked PRIVATE).
add_library(wg_warnings INTERFACE)
target_compile_options(wg_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                             -Wno-sign-conversion -Wno-missing-field-initializers)
if(WILLGATE_WERROR)
  target_compile_options(wg_warnings INTERFACE -Werror)
endif()
add_library(wg::warnings ALIAS wg_warnings)
