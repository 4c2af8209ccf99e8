# The willgate command line (parsing, configuration overrides, usage, version) as a library, so
# that tests/unit/config can test it without the rest of the gateway.
#
# gateway/CMakeLists.txt includes this file and links wg::gateway_cli into the willgate
# executable, whose sources include main.cpp:
#   include(${CMAKE_CURRENT_SOURCE_DIR}/cli.cmake)
#   add_executable(willgate main.cpp ...)
#   target_link_libraries(willgate PRIVATE wg::gateway_cli ...)
add_library(wg_gateway_cli STATIC
  ${CMAKE_CURRENT_LIST_DIR}/command_line.cpp
  ${CMAKE_CURRENT_LIST_DIR}/command_line.h
)
add_library(wg::gateway_cli ALIAS wg_gateway_cli)
target_include_directories(wg_gateway_cli PUBLIC ${PROJECT_SOURCE_DIR})
# PUBLIC so that command_line.cpp also compiles if it is listed directly in another target.
target_compile_definitions(wg_gateway_cli PUBLIC WILLGATE_VERSION="${PROJECT_VERSION}")
target_link_libraries(wg_gateway_cli
  PUBLIC wg::config wg::common
  PRIVATE wg::warnings
)
