#pragma once
// Reads typed values out of a yaml-cpp tree and records every problem as a ConfigError with
// its position and key path, so that one run reports all of them. Internal to the loader.
//
// It never recurses into structure it was not asked about, so cyclic alias graphs
// ("&a [*a]") and deep nesting in unknown keys cost nothing.
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "config/config_error.hpp"

namespace wte::config {

// One `key: value` of a mapping, with the key's full path ("hosts[0].url").
struct Field {
  std::string path;
  YAML::Node key;
  YAML::Node value;
};

// The known keys of one mapping, in document order.
class Fields {
 public:
  const Field* get(std::string_view name) const;
  void add(std::string name, Field field);

 private:
  std::vector<std::pair<std::string, Field>> fields_;
};

class YamlWalker {
 public:
  explicit YamlWalker(std::string file) : file_(std::move(file)) {}

  // Records a problem located at `node` (1-based line/column) under key path `key`.
  void error(const YAML::Node& node, std::string key, std::string message);
  void error(const YAML::Mark& mark, std::string key, std::string message);
  void error(const Field& field, std::string message);
  // Where `field` is written: its value, or its key when the value is empty.
  ConfigPosition position(const Field& field) const;

  // Checks that `map` is a mapping and returns its known keys. Unknown keys (with the
  // closest allowed one), duplicate and non-scalar keys are reported. A null `map`
  // (an empty `key:`) is an empty mapping. `secret_hint` is the message for an inline
  // secret key (token, password...), which is never echoed.
  Fields fields(const YAML::Node& map, const std::string& path,
                std::span<const std::string_view> allowed, std::string_view secret_hint = {});

  // Each reader stores into `out` and returns true only when the value is valid; a null
  // `field` (key absent) returns false silently, keeping the default.
  bool read_string(const Field* field, std::string& out);
  bool read_bool(const Field* field, bool& out);
  bool read_duration(const Field* field, std::chrono::milliseconds& out);
  bool read_size(const Field* field, std::size_t& out);
  bool read_count(const Field* field, std::size_t& out);
  // A sequence (null = empty) whose elements are reported by index through `on_item`.
  template <typename OnItem>
  void for_each_item(const Field* field, OnItem&& on_item);

  std::vector<ConfigError> take_errors() { return std::move(errors_); }
  const std::string& file() const { return file_; }

 private:
  bool scalar(const Field& field, std::string_view expected, std::string& out);
  bool is_sequence(const Field& field);

  std::string file_;
  std::vector<ConfigError> errors_;
};

// "a mapping", "a sequence", "a scalar", "nothing": for "expected X, got Y" messages.
std::string_view describe(const YAML::Node& node);
// A value for an error message: valid UTF-8, at most 80 bytes, quoted.
std::string quoted(std::string_view value);
// `path` + "." + key, or just key at the top.
std::string child_path(const std::string& path, std::string_view key);

template <typename OnItem>
void YamlWalker::for_each_item(const Field* field, OnItem&& on_item) {
  if (field == nullptr || field->value.IsNull() || !is_sequence(*field)) return;
  std::size_t index = 0;
  for (const YAML::Node& item : field->value) {
    on_item(item, field->path + "[" + std::to_string(index) + "]");
    ++index;
  }
}

}  // namespace wte::config
