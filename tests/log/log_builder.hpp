#pragma once
// Small helpers to write master-log lines in tests.
#include <string>

#include "log/master_log.hpp"

namespace wte::test {

// A worker line: {"contents":{"action":A,"queue":Q,"item":I,"msg":MSG}} (+ extra JSON fields).
inline std::string worker(const std::string& action, const std::string& queue,
                          const std::string& item, const std::string& msg = "null",
                          const std::string& extra = "") {
  return R"({"type":"control","contents":{"action":")" + action + R"(","queue":")" + queue +
         R"(","item":")" + item + R"(","msg":)" + msg + extra + "}}\n";
}

// A child-0 line without a queue.
inline std::string control(const std::string& action, const std::string& msg = "null",
                           const std::string& extra = "") {
  return R"({"type":"control","contents":{"child_number":0,"action":")" + action + R"(","msg":)" +
         msg + extra + "}}\n";
}

inline std::string queue_line(const std::string& action, const std::string& queue,
                              const std::string& msg) {
  return R"({"contents":{"child_number":0,"action":")" + action + R"(","queue":")" + queue +
         R"(","msg":)" + msg + "}}\n";
}

inline wte::log::MasterLog summarize(const std::string& log, bool finish = true) {
  wte::log::MasterLog m;
  m.feed(log);
  if (finish) m.finish();
  return m;
}

}  // namespace wte::test
