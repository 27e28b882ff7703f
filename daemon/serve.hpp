#pragma once
#include <span>
#include <string>

#include "exporter/build_info.hpp"

namespace wte::daemon {
// `serve`: runs the exporter until SIGTERM/SIGINT; SIGHUP reloads the config.
int run_serve(std::span<const std::string> args, const exporter::BuildInfo& build);
extern const char* const kServeUsage;
}  // namespace wte::daemon
