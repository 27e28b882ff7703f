#include "exporter/reload_status.hpp"

#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <system_error>

namespace wte::exporter {

std::string format_reload_status(const ReloadStatus& s) {
  return std::to_string(s.pid) + " " + std::to_string(s.loads) + (s.ok ? " ok\n" : " failed\n") +
         s.message;
}

std::optional<ReloadStatus> parse_reload_status(std::string_view text) {
  const auto eol = text.find('\n');
  if (eol == std::string_view::npos) return std::nullopt;
  const std::string_view head = text.substr(0, eol);
  ReloadStatus s;
  const char* p = head.data();
  const char* end = head.data() + head.size();
  auto r = std::from_chars(p, end, s.pid);
  if (r.ec != std::errc() || s.pid <= 0 || r.ptr == end || *r.ptr != ' ') return std::nullopt;
  r = std::from_chars(r.ptr + 1, end, s.loads);
  if (r.ec != std::errc() || r.ptr == end || *r.ptr != ' ') return std::nullopt;
  const std::string_view word(r.ptr + 1, static_cast<std::size_t>(end - r.ptr - 1));
  if (word != "ok" && word != "failed") return std::nullopt;
  s.ok = word == "ok";
  s.message = std::string(text.substr(eol + 1));
  return s;
}

Status<> write_reload_status(const std::filesystem::path& dir, const ReloadStatus& status) {
  const auto file = dir / kReloadStatusFile;
  const auto tmp = dir / (std::string(kReloadStatusFile) + ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << format_reload_status(status);
    if (!out) return Error{"cannot write " + tmp.string()};
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  if (ec)
    return Error{"cannot rename " + tmp.string() + " to " + file.string() + ": " + ec.message()};
  return done;
}

std::optional<ReloadStatus> read_reload_status(const std::filesystem::path& dir) {
  std::ifstream in(dir / kReloadStatusFile, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return parse_reload_status(text.str());
}

}  // namespace wte::exporter
