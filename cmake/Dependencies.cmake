# Every dependency comes from a Debian 12 package (scripts/install-deps); nothing is downloaded.
find_package(Threads REQUIRED)
find_package(Boost 1.81.0 EXACT REQUIRED CONFIG COMPONENTS url)
find_package(OpenSSL REQUIRED)
find_package(RapidJSON REQUIRED)
find_package(prometheus-cpp REQUIRED COMPONENTS core)
find_package(yaml-cpp REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
pkg_check_modules(XCRYPT REQUIRED IMPORTED_TARGET libxcrypt)

# RapidJSON's config only sets a variable; give it a target. SYSTEM keeps its warnings out of ours.
add_library(wte_rapidjson INTERFACE)
target_include_directories(wte_rapidjson SYSTEM INTERFACE ${RAPIDJSON_INCLUDE_DIRS})
# SSE2 is in every x86-64 CPU: RapidJSON then scans strings 16 bytes at a time.
# (Not under sanitizers: the aligned 16-byte reads pass the end of a string, which is safe
# within a page but is reported by ASan.)
target_compile_definitions(wte_rapidjson INTERFACE RAPIDJSON_HAS_STDSTRING=1)
if(CMAKE_SYSTEM_PROCESSOR STREQUAL "x86_64" AND NOT WTE_SANITIZE)
  target_compile_definitions(wte_rapidjson INTERFACE RAPIDJSON_SSE2=1)
endif()
if(WTE_SANITIZE)
  # RapidJSON 1.1's internal Stack adds an offset to a null pointer when empty (fixed
  # upstream after 1.1, not in Debian 12): that one check is off where RapidJSON is used.
  target_compile_options(wte_rapidjson INTERFACE -fno-sanitize=pointer-overflow)
endif()

add_library(wte_boost INTERFACE)
target_link_libraries(wte_boost INTERFACE Boost::headers Boost::url OpenSSL::SSL OpenSSL::Crypto Threads::Threads)
target_compile_definitions(wte_boost INTERFACE BOOST_ASIO_NO_DEPRECATED BOOST_BEAST_USE_STD_STRING_VIEW)

if(WTE_BUILD_TESTS)
  find_package(doctest REQUIRED)
endif()
if(WTE_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
