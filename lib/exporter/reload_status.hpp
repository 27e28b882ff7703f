#pragma once
// The outcome of the daemon's last config load, in a small file of its state directory, so
// that `whm_transfer_exporter reload` (systemd's ExecReload) can wait for the reload it
// asked for and fail with the daemon's own reason when the new config is refused.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "error/result.hpp"

namespace wte::exporter {

inline constexpr std::string_view kReloadStatusFile = "reload-status";

struct ReloadStatus {
  long pid = 0;             // the daemon that wrote it
  std::uint64_t loads = 0;  // 1 for the start, one more for each reload since
  bool ok = false;          // the config was applied (else the running one stays)
  std::string message;      // why it was refused; "" when ok
  bool operator==(const ReloadStatus&) const = default;
};

// "PID LOADS ok|failed\n" then the message.
std::string format_reload_status(const ReloadStatus& status);
std::optional<ReloadStatus> parse_reload_status(std::string_view text);

// Written atomically (a temporary file renamed over it).
Status<> write_reload_status(const std::filesystem::path& dir, const ReloadStatus& status);
std::optional<ReloadStatus> read_reload_status(const std::filesystem::path& dir);

}  // namespace wte::exporter
