# Every target of ours compiles with these; -Werror only where asked (CI sets it).
option(WTE_WERROR "Treat warnings as errors" OFF)
add_compile_options(-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion)
if(WTE_WERROR)
  add_compile_options(-Werror)
endif()
# GCC 12 at -O3 (Release) reports -Wrestrict inside libstdc++'s std::string for
# `"literal" + std::move(s)` (a false positive, GCC bugs 105329 and 105651, fixed in GCC 13): off there only.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  add_compile_options($<$<CONFIG:Release>:-Wno-restrict>)
endif()
