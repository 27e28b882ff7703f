#include "sources/session_registry.hpp"

#include <fcntl.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

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

std::set<Registration> registrations_from_json(std::string_view json) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsObject()) throw std::runtime_error("not a JSON object");
  if (!d.HasMember("sessions") || !d["sessions"].IsArray()) {
    throw std::runtime_error("\"sessions\" must be an array");
  }
  std::set<Registration> out;
  for (const auto& s : d["sessions"].GetArray()) {
    if (!s.IsObject() || !s.HasMember("host") || !s["host"].IsString() ||
        !s.HasMember("session_id") || !s["session_id"].IsString()) {
      throw std::runtime_error("each session needs string \"host\" and \"session_id\"");
    }
    Registration r{s["host"].GetString(), s["session_id"].GetString()};
    if (!whm::is_valid_session_id(r.session_id)) {
      throw std::runtime_error("invalid session id (allowed: [0-9A-Za-z_], at most 64)");
    }
    out.insert(std::move(r));
  }
  return out;
}

SessionRegistry::SessionRegistry(std::string path) : path_(std::move(path)) {}

std::string SessionRegistry::load() {
  registrations_.clear();
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec)) return "";
  std::ifstream in(path_, std::ios::binary);
  if (!in) return path_ + ": cannot open for reading";
  std::ostringstream ss;
  ss << in.rdbuf();
  try {
    registrations_ = registrations_from_json(ss.str());
  } catch (const std::exception& e) {
    return path_ + ": " + e.what();
  }
  return "";
}

std::string SessionRegistry::add(const Registration& r) {
  if (!whm::is_valid_session_id(r.session_id)) return "invalid session id";
  if (registrations_.contains(r)) return "";
  auto next = registrations_;
  next.insert(r);
  if (auto err = save(next); !err.empty()) return err;
  registrations_ = std::move(next);
  return "";
}

std::string SessionRegistry::remove(const Registration& r) {
  if (!registrations_.contains(r)) return "";
  auto next = registrations_;
  next.erase(r);
  if (auto err = save(next); !err.empty()) return err;
  registrations_ = std::move(next);
  return "";
}

std::vector<std::string> SessionRegistry::sessions_of(const std::string& host) const {
  std::vector<std::string> out;
  for (const auto& r : registrations_) {
    if (r.host == host) out.push_back(r.session_id);
  }
  return out;
}

std::string SessionRegistry::save(const std::set<Registration>& next) const {
  return write_file_atomically(path_, registrations_to_json(next));
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

std::string os_error(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

}  // namespace

std::string write_file_atomically(const std::string& path, std::string_view content) {
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
  return "";
}

}  // namespace wte::sources
