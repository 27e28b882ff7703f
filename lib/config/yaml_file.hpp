#pragma once
// What every YAML file the program reads goes through (the config, the web config): the
// file read with a size bound, its one document parsed with yaml-cpp's exceptions turned
// into errors with their position, and the errors put in document order.
#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.hpp"
#include "config/yaml_walker.hpp"
#include "error/result.hpp"

namespace wte::config {

// Config files larger than this are refused unread.
inline constexpr std::size_t kMaxConfigFileBytes = 4 * 1024 * 1024;

// The text of `path`; one error naming the file and the reason when it is missing,
// unreadable, a directory or larger than kMaxConfigFileBytes. `what` names the file in
// messages ("config file", "web config file").
Result<std::string, ConfigError> read_config_text(const std::string& path, std::string_view what);

// The one YAML document in `text`; a syntax error, a second document or too deep nesting is
// an error recorded in `w`, and nullopt.
std::optional<YAML::Node> parse_yaml_document(std::string_view text, YamlWalker& w);

void sort_by_position(std::vector<ConfigError>& errors);

}  // namespace wte::config
