# Every target of ours compiles with these; -Werror only where asked (CI sets it).
option(WTE_WERROR "Treat warnings as errors" OFF)
add_compile_options(-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion)
if(WTE_WERROR)
  add_compile_options(-Werror)
endif()
