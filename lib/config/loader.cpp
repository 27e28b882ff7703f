#include "config/loader.hpp"

#include <yaml-cpp/yaml.h>

#include "config/config_schema.hpp"
#include "config/yaml_file.hpp"
#include "config/yaml_walker.hpp"

namespace wte::config {
namespace {

ConfigResult walk(std::string_view text, const std::string& file_name) {
  YamlWalker walker(file_name);
  Config config;
  config.source_file = file_name;
  if (auto root = parse_yaml_document(text, walker)) {
    if (root->IsMap() || root->IsNull()) {
      read_config(walker, *root, config);
    } else {
      walker.error(*root, {},
                   "the config must be a mapping of keys, got " + std::string(describe(*root)));
    }
  }
  std::vector<ConfigError> errors = walker.take_errors();
  if (errors.empty()) return config;
  sort_by_position(errors);
  return errors;
}

}  // namespace

ConfigResult load_config_string(std::string_view text, const std::string& file_name) {
  try {
    return walk(text, file_name);
  } catch (const std::exception& e) {
    // Nothing above should throw; if yaml-cpp does anyway, it is still just an error.
    return std::vector<ConfigError>{
        ConfigError{file_name, 0, 0, {}, std::string("cannot read the config: ") + e.what()}};
  }
}

ConfigResult load_config_file(const std::string& path) {
  auto text = read_config_text(path, "config file");
  if (!text.ok()) return std::vector<ConfigError>{std::move(text).error()};
  return load_config_string(text.value(), path);
}

}  // namespace wte::config
