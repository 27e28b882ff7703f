# Debian's hardening flags, as `DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags` gives
# them on Debian 12, for every target: stack protector, _FORTIFY_SOURCE, format checks, PIE,
# full RELRO with immediate binding. `hardening-check` (devscripts) checks the release binary.
option(WTE_HARDENING "Build with Debian's hardening flags" ON)
if(WTE_HARDENING)
  # Position-independent code everywhere; the link is -pie (static-pie for WTE_STATIC, set in
  # Dependencies.cmake: CMake's own -pie would come after it and win, so it is not asked for).
  set(CMAKE_POSITION_INDEPENDENT_CODE ON)
  if(WTE_STATIC)
    unset(CMAKE_CXX_LINK_PIE_SUPPORTED CACHE)  # from an earlier configure of the same tree
  else()
    include(CheckPIESupported)
    check_pie_supported()
  endif()
  add_compile_options(-fstack-protector-strong -Wformat -Werror=format-security -Wdate-time)
  # Not in Debian 12's set but in Debian 13's (and free): stack clash protection.
  add_compile_options(-fstack-clash-protection)
  # _FORTIFY_SOURCE needs the optimizer (a warning, hence an error, at -O0); sanitizers
  # replace it with their own checks.
  if(NOT WTE_SANITIZE)
    add_compile_definitions($<$<NOT:$<CONFIG:Debug>>:_FORTIFY_SOURCE=2>)
  endif()
  add_link_options(LINKER:-z,relro LINKER:-z,now)
endif()
