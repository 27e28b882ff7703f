#pragma once
// The config's schema: which keys exist where, their types and their rules. Internal to
// the loader.
#include <yaml-cpp/yaml.h>

#include "config/config.hpp"
#include "config/yaml_walker.hpp"

namespace wte::config {

// Fills `config` from the document's root (a mapping, or null for all defaults), reporting
// every problem through `walker`.
void read_config(YamlWalker& walker, const YAML::Node& root, Config& config);

}  // namespace wte::config
