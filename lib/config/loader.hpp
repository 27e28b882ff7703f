#pragma once
// Reading and validating the YAML config. Every problem is collected (not just the first),
// each with file:line:column and key path; nothing here throws.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "config/config_error.hpp"
#include "config/yaml_file.hpp"  // kMaxConfigFileBytes
#include "error/result.hpp"

namespace wte::config {

// The config, or every error found (at least one), in document order.
using ConfigResult = Result<Config, std::vector<ConfigError>>;

// A missing, unreadable or oversized file is one error naming the file and the reason.
ConfigResult load_config_file(const std::string& path);

// `file_name` is used in messages and as Config::source_file. An empty text means all
// defaults.
ConfigResult load_config_string(std::string_view text, const std::string& file_name);

}  // namespace wte::config
