#pragma once
// `whm_transfer_exporter progress --url https://HOST:2087 SESSION_ID ...`: the `progress`
// report of a session read over the WHM API instead of from a file, with the same access
// strategy as the exporter (remote/log_access.hpp) and the same exit statuses.
#include <span>
#include <string>

#include "progress/progress_command.hpp"

namespace wte::exporter {

extern const char* const kRemoteProgressUsage;

// True when `args` ask for the remote form (they hold --url).
bool is_remote_progress(std::span<const std::string> args);

int run_remote_progress(std::span<const std::string> args, progress::CommandIo io);

}  // namespace wte::exporter
