#include "config/yaml_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <cerrno>
#include <new>
#include <sstream>
#include <system_error>

#include "os/unique_fd.hpp"

namespace wte::config {
namespace {

std::string os_reason(int error) {
  return std::system_category().message(error);
}

ConfigError file_error(const std::string& file, std::string message) {
  return ConfigError{file, 0, 0, {}, std::move(message)};
}

// Sees a document's events without building it; remembers where the document started.
class DocumentStart : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override { mark_ = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

  const YAML::Mark& mark() const { return mark_; }

 private:
  YAML::Mark mark_ = YAML::Mark::null_mark();
};

// Where a second document in `text` starts, if there is one. At most two documents are
// parsed: yaml-cpp 0.7's LoadAll() loops forever, allocating, on some invalid input (a
// stray ',' yields endless empty documents; fixed upstream in yaml-cpp PR #1319).
struct SecondDocument {
  YAML::Mark mark;
  bool stuck;  // the parser did not move: a token it cannot place, e.g. a leading ','
};

std::optional<SecondDocument> second_document(const std::string& text) {
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  DocumentStart handler;
  if (!parser.HandleNextDocument(handler)) return std::nullopt;
  const YAML::Mark first = handler.mark();
  if (!parser.HandleNextDocument(handler)) return std::nullopt;
  const YAML::Mark second = handler.mark();
  return SecondDocument{second, second.pos == first.pos};
}

}  // namespace

std::optional<YAML::Node> parse_yaml_document(std::string_view text, YamlWalker& w) {
  try {
    const std::string owned(text);
    YAML::Node root = YAML::Load(owned);
    if (auto second = second_document(owned)) {
      w.error(second->mark, {},
              second->stuck
                  ? "YAML syntax error: unexpected character"
                  : "unexpected content after the document (only one YAML document is allowed)");
      return std::nullopt;
    }
    return root;
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp guards its recursive parser; its own message ("bad file") says nothing.
    w.error(e.mark, {},
            "YAML is nested too deeply (more than " + std::to_string(e.depth()) + " levels)");
  } catch (const YAML::ParserException& e) {
    w.error(e.mark, {}, "YAML syntax error: " + e.msg);
  } catch (const YAML::Exception& e) {
    w.error(e.mark, {}, "YAML error: " + e.msg);
  } catch (const std::bad_alloc&) {
    w.error(YAML::Mark::null_mark(), {}, "out of memory while parsing the YAML");
  }
  return std::nullopt;
}

void sort_by_position(std::vector<ConfigError>& errors) {
  std::stable_sort(errors.begin(), errors.end(), [](const ConfigError& a, const ConfigError& b) {
    return std::pair(a.line, a.column) < std::pair(b.line, b.column);
  });
}

Result<std::string, ConfigError> read_config_text(const std::string& path, std::string_view what) {
  const os::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  const std::string the = "the " + std::string(what);
  if (fd.get() < 0) return file_error(path, "cannot open " + the + ": " + os_reason(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return file_error(path, "cannot stat " + the + ": " + os_reason(errno));
  }
  if (S_ISDIR(st.st_mode)) return file_error(path, path + " is a directory, not " + the);
  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return file_error(path, "cannot read " + the + ": " + os_reason(errno));
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > kMaxConfigFileBytes) {
      return file_error(path,
                        the + " is larger than " + std::to_string(kMaxConfigFileBytes) + " bytes");
    }
  }
  return text;
}

}  // namespace wte::config
