#pragma once
// The cause of a failure, for grouping: the same failure on many accounts of a migration
// ("The account “bob” already exists on “new.example.com”.") reads the same once what
// differs between them is replaced. Pure text; the input is valid UTF-8 (the model's).
#include <string>
#include <string_view>

namespace wte::log {

// `failure` with, in order of precedence:
// - a quoted span (“…”, ‘…’, «…», "…", and '…' that starts a word) -> its quotes around "…";
// - the account's name as a word (ASCII case ignored) -> "<account>";
// - a host name or IPv4 address (dotted, the last label 2+ letters, or 4 numbers) -> "<host>";
// - any other word with a digit in it (numbers, sizes, ids, XID tags) -> "<n>";
// and every run of white space (newlines too) as one space, none at either end. A word is a
// run of ASCII letters, digits and `_.-`; a trailing `.` or `-` is punctuation, kept.
std::string failure_cause(std::string_view failure, std::string_view account);

}  // namespace wte::log
