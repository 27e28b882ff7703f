#pragma once
// A small HTML writer: markup we write is appended as is; every string from a log, a server
// or the config goes through text() or attr(), which escape it.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace wte::status {

class HtmlOut {
 public:
  // Trusted markup, written by this program.
  HtmlOut& raw(std::string_view markup);
  // Untrusted text: HTML-escaped, made valid UTF-8; control characters other than tab and
  // line ends are shown as \xNN, since they have no business in a page.
  HtmlOut& text(std::string_view s);
  // ` name="value"`, the value escaped like text().
  HtmlOut& attr(std::string_view name, std::string_view value);
  HtmlOut& number(std::int64_t n);

  const std::string& str() const noexcept { return out_; }
  std::string take() && { return std::move(out_); }

 private:
  std::string out_;
};

}  // namespace wte::status
