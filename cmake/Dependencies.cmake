# Every dependency comes from a Debian 12 package (scripts/install-deps); nothing is downloaded.
#
# WTE_STATIC (scripts/build-release): one fully static binary, linked from Debian's own .a
# files. Debian ships prometheus-cpp core as a shared library only, so scripts/build-release
# builds a static one from Debian's source package of the same version and passes its prefix
# as WTE_PROMETHEUS_CPP_PREFIX. libsystemd is not used at all (exporter/notify_socket.hpp).
set(WTE_PROMETHEUS_CPP_PREFIX "" CACHE PATH "prefix of a static prometheus-cpp core (WTE_STATIC)")
if(WTE_STATIC)
  if(WTE_BUILD_BENCH OR WTE_SANITIZE OR WTE_BUILD_FUZZ)
    message(FATAL_ERROR "WTE_STATIC builds the daemon and the test tools only: set "
                        "WTE_BUILD_BENCH=OFF (Debian has no static Google Benchmark), no sanitizer, no fuzzers")
  endif()
  if(NOT WTE_PROMETHEUS_CPP_PREFIX)
    message(FATAL_ERROR "WTE_STATIC needs WTE_PROMETHEUS_CPP_PREFIX (scripts/build-release sets it)")
  endif()
  # Only .a files: a find_library that picked a .so would make the link fail, not quietly
  # produce a dynamic binary.
  set(CMAKE_FIND_LIBRARY_SUFFIXES .a)
  set(Boost_USE_STATIC_LIBS ON)
  set(OPENSSL_USE_STATIC_LIBS ON)
  add_link_options(-static-pie)
endif()

find_package(Threads REQUIRED)
find_package(Boost 1.81.0 EXACT REQUIRED CONFIG COMPONENTS url)
find_package(OpenSSL REQUIRED)
find_package(RapidJSON REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(XCRYPT REQUIRED IMPORTED_TARGET libxcrypt)
if(WTE_STATIC)
  find_package(prometheus-cpp REQUIRED COMPONENTS core CONFIG
               PATHS ${WTE_PROMETHEUS_CPP_PREFIX} NO_DEFAULT_PATH)
  # Debian's yaml-cpp CMake config names only the .so; the .a is in the same package.
  find_library(WTE_YAML_CPP_ARCHIVE yaml-cpp REQUIRED)
  add_library(yaml-cpp STATIC IMPORTED)
  set_target_properties(yaml-cpp PROPERTIES IMPORTED_LOCATION ${WTE_YAML_CPP_ARCHIVE})
  # SQLite's archive uses libm; the shared library brought it along by itself.
  set_property(TARGET SQLite::SQLite3 APPEND PROPERTY INTERFACE_LINK_LIBRARIES m)
else()
  find_package(prometheus-cpp REQUIRED COMPONENTS core)
  find_package(yaml-cpp REQUIRED)
endif()

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
