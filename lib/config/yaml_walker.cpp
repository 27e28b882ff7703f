#include "config/yaml_walker.hpp"

#include <algorithm>

#include "config/duration.hpp"
#include "config/key_suggest.hpp"
#include "config/token.hpp"
#include "text/utf8.hpp"

namespace wte::config {
namespace {

// Keys that would hold a secret inline; their values are never echoed.
constexpr std::string_view kSecretKeys[] = {"token", "api_token", "bearer_token", "password",
                                            "secret"};

bool is_secret_key(std::string_view key) {
  return std::find(std::begin(kSecretKeys), std::end(kSecretKeys), key) != std::end(kSecretKeys);
}

}  // namespace

const Field* Fields::get(std::string_view name) const {
  for (const auto& [key, field] : fields_) {
    if (key == name) return &field;
  }
  return nullptr;
}

void Fields::add(std::string name, Field field) {
  fields_.emplace_back(std::move(name), std::move(field));
}

std::string_view describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a sequence";
    case YAML::NodeType::Scalar:
      return "a scalar";
    default:
      return "nothing";
  }
}

std::string quoted(std::string_view value) {
  // A token pasted into the wrong key (a URL, a file name) must not come back in an error,
  // which check-config and serve print and logs keep.
  if (looks_like_secret(value)) return "(value not shown: it looks like a token)";
  return '"' + text::bounded_utf8(value, 80) + '"';
}

std::string child_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

void YamlWalker::error(const YAML::Mark& mark, std::string key, std::string message) {
  // yaml-cpp marks are 0-based, and -1 when the node has no position.
  const bool known = mark.line >= 0 && mark.column >= 0;
  errors_.push_back(ConfigError{file_, known ? mark.line + 1 : 0, known ? mark.column + 1 : 0,
                                std::move(key), std::move(message)});
}

void YamlWalker::error(const YAML::Node& node, std::string key, std::string message) {
  error(node.Mark(), std::move(key), std::move(message));
}

void YamlWalker::error(const Field& field, std::string message) {
  ConfigPosition at = position(field);
  errors_.push_back(
      ConfigError{std::move(at.file), at.line, at.column, std::move(at.key), std::move(message)});
}

ConfigPosition YamlWalker::position(const Field& field) const {
  // An empty value (`key:`) has no position of its own (yaml-cpp gives the next token's);
  // point at the key then.
  YAML::Mark mark = field.value.Mark();
  if (field.value.IsNull() || mark.line < 0) mark = field.key.Mark();
  // yaml-cpp marks are 0-based, and -1 when the node has no position.
  const bool known = mark.line >= 0 && mark.column >= 0;
  return ConfigPosition{file_, known ? mark.line + 1 : 0, known ? mark.column + 1 : 0, field.path};
}

Fields YamlWalker::fields(const YAML::Node& map, const std::string& path,
                          std::span<const std::string_view> allowed, std::string_view secret_hint) {
  Fields out;
  if (map.IsNull()) return out;
  if (!map.IsMap()) {
    error(map, path, "expected a mapping, got " + std::string(describe(map)));
    return out;
  }
  for (const auto& pair : map) {
    const YAML::Node& key = pair.first;
    if (!key.IsScalar()) {
      error(key, path, "keys must be plain names, got " + std::string(describe(key)));
      continue;
    }
    const std::string& name = key.Scalar();
    const std::string key_path = child_path(path, name);
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      if (!secret_hint.empty() && is_secret_key(name)) {
        error(key, key_path, std::string(secret_hint));
        continue;
      }
      std::string message = "unknown key";
      if (auto suggestion = closest_key(name, allowed)) {
        message += " (did you mean \"" + std::string(*suggestion) + "\"?)";
      }
      message += "; allowed keys here: " + join_keys(allowed);
      error(key, text::bounded_utf8(key_path, 200), std::move(message));
      continue;
    }
    if (out.get(name) != nullptr) {
      error(key, key_path, "duplicate key; each key may appear once");
      continue;
    }
    out.add(name, Field{key_path, key, pair.second});
  }
  return out;
}

bool YamlWalker::scalar(const Field& field, std::string_view expected, std::string& out) {
  if (field.value.IsNull()) {
    error(field, "has no value; expected " + std::string(expected) +
                     " (remove the key to use the default)");
    return false;
  }
  if (!field.value.IsScalar()) {
    error(field,
          "expected " + std::string(expected) + ", got " + std::string(describe(field.value)));
    return false;
  }
  out = field.value.Scalar();
  return true;
}

bool YamlWalker::is_sequence(const Field& field) {
  if (field.value.IsSequence()) return true;
  error(field, "expected a sequence, got " + std::string(describe(field.value)));
  return false;
}

bool YamlWalker::read_string(const Field* field, std::string& out) {
  if (field == nullptr) return false;
  std::string value;
  if (!scalar(*field, "a string", value)) return false;
  if (value.empty()) {
    error(*field, "must not be empty");
    return false;
  }
  out = std::move(value);
  return true;
}

bool YamlWalker::read_bool(const Field* field, bool& out) {
  if (field == nullptr) return false;
  std::string value;
  if (!scalar(*field, "true or false", value)) return false;
  bool parsed = false;
  if (!YAML::convert<bool>::decode(field->value, parsed)) {
    error(*field, "expected true or false, got " + quoted(value));
    return false;
  }
  out = parsed;
  return true;
}

bool YamlWalker::read_duration(const Field* field, std::chrono::milliseconds& out) {
  if (field == nullptr) return false;
  constexpr std::string_view kExpected = "a duration like 500ms, 15s, 5m, 1h30m or 2d";
  std::string value;
  if (!scalar(*field, kExpected, value)) return false;
  auto parsed = parse_duration(value);
  if (!parsed) {
    error(*field, "invalid duration " + quoted(value) + "; expected " + std::string(kExpected) +
                      " (units d, h, m, s, ms, largest first, no fractions)");
    return false;
  }
  out = *parsed;
  return true;
}

bool YamlWalker::read_size(const Field* field, std::size_t& out) {
  if (field == nullptr) return false;
  constexpr std::string_view kExpected =
      "a size in bytes like 1048576, 512KiB, 1MiB or 1GiB (KB, MB, GB are powers of 1000)";
  std::string value;
  if (!scalar(*field, kExpected, value)) return false;
  auto parsed = parse_size(value);
  if (!parsed) {
    error(*field, "invalid size " + quoted(value) + "; expected " + std::string(kExpected));
    return false;
  }
  out = *parsed;
  return true;
}

bool YamlWalker::read_count(const Field* field, std::size_t& out) {
  if (field == nullptr) return false;
  std::string value;
  if (!scalar(*field, "a whole number", value)) return false;
  const bool digits =
      !value.empty() && value.size() <= 18 &&
      std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits) {
    error(*field, "expected a whole number, got " + quoted(value));
    return false;
  }
  out = static_cast<std::size_t>(std::stoull(value));
  return true;
}

}  // namespace wte::config
