#pragma once
// What a source reports as things happen, and the only way it reaches the metrics: the
// exporter's metrics implement Recorder, tests may record into anything. Every count a
// source reports is what changed, never a running total to be diffed.
#include <cstdint>
#include <string_view>

namespace wte::sources {

// What one read of a session's log changed.
struct IngestReport {
  std::uint64_t bytes = 0;      // log bytes fed to the engine
  std::uint64_t lines = 0;      // well-formed lines parsed
  std::uint64_t malformed = 0;  // malformed lines skipped (overlong ones included)
  std::uint64_t overlong = 0;   // of those, lines longer than the line limit
  bool reset = false;           // the log was not the one read so far: read again from byte 0

  IngestReport& operator+=(const IngestReport& other) noexcept {
    bytes += other.bytes;
    lines += other.lines;
    malformed += other.malformed;
    overlong += other.overlong;
    reset = reset || other.reset;
    return *this;
  }
  bool operator==(const IngestReport&) const = default;
};

class Recorder {
 public:
  virtual ~Recorder() = default;
  // A host's series start at 0 when it appears and go when it leaves the config.
  virtual void host_added(std::string_view host) = 0;
  virtual void host_removed(std::string_view host) = 0;
  virtual void ingested(std::string_view host, const IngestReport& report) = 0;
  // `reason` is a label value: timeout, connect, tls, auth, http, api, bad_response,
  // too_large, and in local mode database and read.
  virtual void request_failed(std::string_view host, std::string_view reason) = 0;
  virtual void poll_finished(std::string_view host, double seconds) = 0;
  virtual void tls_handshakes(std::string_view host, std::uint64_t count) = 0;
  // Something left out by a limit: line_length, response_size, sessions_per_host, ...
  virtual void dropped(std::string_view limit, std::uint64_t count) = 0;
  virtual void database_read(std::string_view path, bool ok) = 0;
};

}  // namespace wte::sources
