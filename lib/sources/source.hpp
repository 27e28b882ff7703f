#pragma once
// A source of transfer sessions: one WHM server polled over its API (lib/remote), the disk
// of the server the exporter runs on (lib/local), or any other kind. The exporter holds its
// sources through this interface only and knows no kind by name; a kind is made from the
// config by its SourceSpec, listed by lib/exporter/source_factory.cpp (docs/ARCHITECTURE.md,
// "Adding a source").
#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sources/clock.hpp"
#include "sources/recorder.hpp"
#include "sources/status_source.hpp"

namespace wte::logging {
class Logger;
}

namespace wte::sources {

// What every source is built with; all of it outlives the source.
struct SourceContext {
  boost::asio::io_context& io;
  Recorder& recorder;
  logging::Logger& logger;
  const Clock& clock;
};

// Every source runs on the io_context's thread and never blocks it for long. Hold it in a
// std::shared_ptr: its timers and requests reach it through weak pointers.
class Source : public StatusSource {
 public:
  // The `host` label of its series; unique among the exporter's sources.
  virtual const std::string& name() const noexcept = 0;
  virtual void start() = 0;
  virtual void stop() = 0;
  // Whether sessions can be registered for this source's host through the API (a kind
  // that finds its sessions itself takes none).
  virtual bool accepts_registrations() const noexcept { return false; }
  // The sessions registered for this host (every time they change).
  virtual void set_registered_sessions(const std::vector<std::string>& /*ids*/) {}
};

// One source's settings, made from the config (and the secrets it names) by its kind.
class SourceSpec {
 public:
  virtual ~SourceSpec() = default;
  virtual const std::string& name() const noexcept = 0;
  virtual std::shared_ptr<Source> create(const SourceContext& context) const = 0;
  // Gives `existing` (a source of the same name) these settings, keeping its sessions.
  // False when it cannot take them (another kind): the exporter replaces it.
  virtual bool update(Source& existing) const = 0;
};

}  // namespace wte::sources
