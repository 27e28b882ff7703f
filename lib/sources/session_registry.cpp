#include "sources/session_registry.hpp"

#include <fcntl.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "text/bounded_json.hpp"
#include "whm/session_id.hpp"

namespace wte::sources {

std::string registrations_to_json(const std::set<Registration>& r) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("version");
  w.Int(1);
  w.Key("sessions");
  w.StartArray();
  for (const auto& reg : r) {
    w.StartObject();
    w.Key("host");
    w.String(reg.host.c_str(), static_cast<rapidjson::SizeType>(reg.host.size()));
    w.Key("session_id");
    w.String(reg.session_id.c_str(), static_cast<rapidjson::SizeType>(reg.session_id.size()));
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

Result<std::set<Registration>> registrations_from_json(std::string_view json) {
  rapidjson::Document d;
  if (!text::parse_json(d, json.data(), json.size()).ok() || !d.IsObject()) {
    return Error{"not a JSON object"};
  }
  const rapidjson::Value& doc = d;  // const iterators: no ambiguous == in C++20
  const auto sessions = doc.FindMember("sessions");
  if (sessions == doc.MemberEnd() || !sessions->value.IsArray()) {
    return Error{"\"sessions\" must be an array"};
  }
  std::set<Registration> out;
  for (const auto& s : sessions->value.GetArray()) {
    if (!s.IsObject() || !s.HasMember("host") || !s["host"].IsString() ||
        !s.HasMember("session_id") || !s["session_id"].IsString()) {
      return Error{"each session needs string \"host\" and \"session_id\""};
    }
    Registration r{s["host"].GetString(), s["session_id"].GetString()};
    if (!whm::is_valid_session_id(r.session_id)) {
      return Error{"invalid session id (allowed: [0-9A-Za-z_], at most 64)"};
    }
    out.insert(std::move(r));
  }
  return out;
}

struct SessionRegistry::Shared {
  SessionRegistry* owner;
};

SessionRegistry::SessionRegistry(std::string path, RegistryLimits limits)
    : path_(std::move(path)), limits_(limits), shared_(std::make_shared<Shared>(Shared{this})) {}

SessionRegistry::SessionRegistry(boost::asio::io_context& io, std::string path,
                                 RegistryLimits limits)
    : SessionRegistry(std::move(path), limits) {
  io_ = &io;
  writer_ = std::make_unique<boost::asio::thread_pool>(1);
}

SessionRegistry::~SessionRegistry() {
  writer_.reset();  // stops, and waits for a write in progress; its completion finds us gone
  shared_.reset();
}

namespace {

std::string utc_stamp(std::chrono::system_clock::time_point now) {
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

// PATH.corrupt-STAMP, or PATH.corrupt-STAMP-N if that exists already.
std::string aside_name(const std::string& path, std::chrono::system_clock::time_point now) {
  const std::string base = path + ".corrupt-" + utc_stamp(now);
  std::error_code ec;
  std::string name = base;
  for (int n = 2; std::filesystem::exists(name, ec) && n < 1000; ++n) {
    name = base + "-" + std::to_string(n);
  }
  return name;
}

}  // namespace

Status<> SessionRegistry::load(std::chrono::system_clock::time_point now) {
  registrations_.clear();
  blocked_.reset();
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec) && !ec) return done;
  std::string problem;
  std::ifstream in(path_, std::ios::binary);
  if (!in) {
    problem = "cannot open for reading";
  } else {
    std::ostringstream ss;
    ss << in.rdbuf();
    auto parsed = registrations_from_json(ss.str());
    if (parsed.ok()) {
      registrations_ = std::move(parsed).value();
      return done;
    }
    problem = parsed.error().message;
  }
  // Torn or unreadable: set it aside for a person to look at. The next registration would
  // otherwise overwrite it, and every session it held would be lost for good.
  registrations_.clear();
  const std::string aside = aside_name(path_, now);
  if (::rename(path_.c_str(), aside.c_str()) == 0) {
    return Error{path_ + ": " + problem + "; kept as " + aside +
                 ", starting with no registered sessions"};
  }
  blocked_ = path_ + " cannot be read (" + problem + ") nor renamed aside (" +
             std::strerror(errno) + "); registrations are refused rather than overwrite it";
  return Error{*blocked_};
}

Status<> SessionRegistry::may_add(const Registration& r, std::size_t configured_on_host) const {
  if (!whm::is_valid_session_id(r.session_id)) {
    return Error{"invalid session id (allowed: [0-9A-Za-z_], 1 to 64 characters)"};
  }
  const auto next = projected();
  if (next.contains(r)) return done;
  if (next.size() >= limits_.max_sessions) {
    return Error{"too many registered sessions (limit " + std::to_string(limits_.max_sessions) +
                 ")"};
  }
  const auto on_host = static_cast<std::size_t>(std::count_if(
      next.begin(), next.end(), [&](const Registration& x) { return x.host == r.host; }));
  if (on_host + configured_on_host >= limits_.max_sessions_per_host) {
    return Error{"too many sessions for host " + r.host + " (limit " +
                 std::to_string(limits_.max_sessions_per_host) + ", limits.max_sessions_per_host)"};
  }
  return done;
}

Status<> SessionRegistry::add(const Registration& r) {
  if (blocked_) return Error{*blocked_};
  if (registrations_.contains(r)) return done;
  if (auto allowed = may_add(r, 0); !allowed.ok()) return allowed;
  auto next = registrations_;
  next.insert(r);
  if (auto saved = save(next); !saved.ok()) return saved;
  registrations_ = std::move(next);
  return done;
}

Status<> SessionRegistry::remove(const Registration& r) {
  if (blocked_) return Error{*blocked_};
  if (!registrations_.contains(r)) return done;
  auto next = registrations_;
  next.erase(r);
  if (auto saved = save(next); !saved.ok()) return saved;
  registrations_ = std::move(next);
  return done;
}

std::set<Registration> SessionRegistry::projected() const {
  auto next = registrations_;
  for (const auto* changes : {&writing_, &queued_}) {
    for (const auto& c : *changes) {
      if (c.add) {
        next.insert(c.registration);
      } else {
        next.erase(c.registration);
      }
    }
  }
  return next;
}

void SessionRegistry::add_async(const Registration& r, std::size_t configured_on_host, Done done) {
  RegistryChange early;
  if (blocked_) {
    early = {RegistryChange::Status::failed, *blocked_};
  } else if (projected().contains(r)) {
    early = {RegistryChange::Status::unchanged, ""};
  } else if (auto allowed = may_add(r, configured_on_host); !allowed.ok()) {
    early = {RegistryChange::Status::refused, allowed.error().message};
  } else {
    return submit({true, r, std::move(done)});
  }
  boost::asio::post(*io_, [done = std::move(done), early]() { done(early); });
}

void SessionRegistry::remove_async(const Registration& r, Done done) {
  RegistryChange early;
  if (blocked_) {
    early = {RegistryChange::Status::failed, *blocked_};
  } else if (!projected().contains(r)) {
    early = {RegistryChange::Status::unchanged, ""};
  } else {
    return submit({false, r, std::move(done)});
  }
  boost::asio::post(*io_, [done = std::move(done), early]() { done(early); });
}

void SessionRegistry::submit(Change change) {
  queued_.push_back(std::move(change));
  if (!write_running_) start_write();
}

// One write carries every change queued so far; changes arriving meanwhile wait for the
// next one. So N registrations at once cost two writes, not N.
void SessionRegistry::start_write() {
  write_running_ = true;
  writing_ = std::move(queued_);
  queued_.clear();
  auto next = registrations_;
  for (const auto& c : writing_) {
    if (c.add) {
      next.insert(c.registration);
    } else {
      next.erase(c.registration);
    }
  }
  boost::asio::post(*writer_, [weak = std::weak_ptr<Shared>(shared_), io = io_, path = path_,
                               next = std::move(next)]() mutable {
    Status<> written = write_file_atomically(path, registrations_to_json(next));
    boost::asio::post(*io, [weak, next = std::move(next), written = std::move(written)]() mutable {
      if (auto shared = weak.lock()) shared->owner->on_written(std::move(next), written);
    });
  });
}

void SessionRegistry::on_written(std::set<Registration> written, const Status<>& written_ok) {
  write_running_ = false;
  ++writes_;
  auto finished = std::move(writing_);
  writing_.clear();
  // A failed write left the old file in place: those changes did not happen.
  if (written_ok.ok()) registrations_ = std::move(written);
  if (!queued_.empty()) start_write();
  for (auto& c : finished) {
    if (c.done) {
      c.done(written_ok.ok()
                 ? RegistryChange{RegistryChange::Status::done, ""}
                 : RegistryChange{RegistryChange::Status::failed, written_ok.error().message});
    }
  }
}

std::vector<std::string> SessionRegistry::sessions_of(const std::string& host) const {
  std::vector<std::string> out;
  for (const auto& r : registrations_) {
    if (r.host == host) out.push_back(r.session_id);
  }
  return out;
}

Status<> SessionRegistry::save(const std::set<Registration>& next) {
  ++writes_;
  return write_file_atomically(path_, registrations_to_json(next));
}

std::size_t RefusedSessions::note(const std::string& host,
                                  const std::vector<std::string>& refused) {
  std::set<std::string> now(refused.begin(), refused.end());
  auto& before = refused_[host];
  const auto fresh = static_cast<std::size_t>(std::count_if(
      now.begin(), now.end(), [&](const std::string& id) { return !before.contains(id); }));
  before = std::move(now);
  return fresh;
}

namespace {

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const noexcept { return fd_; }
  int release() noexcept { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

Error os_error(const std::string& what, const std::string& path) {
  return Error{what + " " + path + ": " + std::strerror(errno)};
}

}  // namespace

Status<> write_file_atomically(const std::string& path, std::string_view content) {
  const std::filesystem::path target(path);
  const std::string tmp = path + ".tmp";
  {
    FileDescriptor fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (fd.get() < 0) return os_error("cannot create", tmp);
    std::size_t done = 0;
    while (done < content.size()) {
      const ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return os_error("cannot write", tmp);
      }
      done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) return os_error("cannot fsync", tmp);
    if (::close(fd.release()) != 0) return os_error("cannot close", tmp);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) return os_error("cannot rename to", path);
  const std::string dir = target.has_parent_path() ? target.parent_path().string() : ".";
  FileDescriptor dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd.get() >= 0) ::fsync(dfd.get());  // makes the rename durable
  return done;
}

}  // namespace wte::sources
