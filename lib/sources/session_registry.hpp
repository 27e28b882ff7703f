#pragma once
// Sessions registered at run time (POST /api/v1/sessions), kept in the state directory so
// that a restart keeps them. Writes are atomic: temporary file, fsync, rename, fsync of the
// directory; a crash leaves the old file or the new one, never half of one.
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace wte::sources {

struct Registration {
  std::string host;
  std::string session_id;
  auto operator<=>(const Registration&) const = default;
};

// The file's JSON: {"version":1,"sessions":[{"host":"h","session_id":"id"}]}
std::string registrations_to_json(const std::set<Registration>& r);
// Throws std::runtime_error naming what is wrong; ids are validated ([0-9A-Za-z_], <= 64).
std::set<Registration> registrations_from_json(std::string_view json);

class SessionRegistry {
 public:
  // `path` is the file (e.g. /var/lib/whm_transfer_exporter/sessions.json).
  explicit SessionRegistry(std::string path);

  // Reads the file; a missing file is an empty registry. Returns "" or an error message
  // (the registry is then empty and the bad file is left as it is for a person to look at).
  std::string load();

  // Both return "" or an error message; on error nothing changes, in memory or on disk.
  std::string add(const Registration& r);
  std::string remove(const Registration& r);

  const std::set<Registration>& all() const noexcept { return registrations_; }
  std::vector<std::string> sessions_of(const std::string& host) const;
  const std::string& path() const noexcept { return path_; }

 private:
  std::string save(const std::set<Registration>& next) const;

  std::string path_;
  std::set<Registration> registrations_;
};

// Writes `content` to `path` atomically. Returns "" or an error message naming the file.
std::string write_file_atomically(const std::string& path, std::string_view content);

}  // namespace wte::sources
