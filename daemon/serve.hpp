#pragma once
#include <span>
#include <string>

namespace wte::daemon {
// `serve`: runs the exporter until SIGTERM/SIGINT; SIGHUP reloads the config.
int run_serve(std::span<const std::string> args, const char* version);
extern const char* const kServeUsage;
}  // namespace wte::daemon
