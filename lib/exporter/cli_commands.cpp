#include "exporter/cli_commands.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http/status.hpp>
#include <cstdlib>
#include <map>
#include <optional>
#include <ostream>
#include <set>

#include "config/loader.hpp"
#include "config/token.hpp"
#include "exporter/http_fetch.hpp"
#include "exporter/prepared_config.hpp"
#include "exporter/source_factory.hpp"
#include "text/bounded_json.hpp"
#include "text/utf8.hpp"

namespace wte::exporter {

const char* const kCheckConfigUsage =
    "usage: whm_transfer_exporter check-config [--config.file] FILE\n"
    "  Validates a config and the token files it names, without starting. Every error\n"
    "  names the file, line, column and key; all of them are reported at once.\n"
    "  Exit status: 0 valid, 2 invalid or unreadable.\n";

const char* const kSessionsUsage =
    "usage: whm_transfer_exporter sessions add HOST ID | remove HOST ID | list\n"
    "         [--url URL] [--token-file FILE] [--ca-file FILE] [--insecure]\n"
    "         [--basic-auth-file FILE]\n"
    "  Registers sessions with a running exporter through its API.\n"
    "  --url URL               the exporter (default http://127.0.0.1:9923)\n"
    "  --token-file FILE       the API token (else $WHM_TRANSFER_EXPORTER_API_TOKEN; never\n"
    "                          on the command line); needed by add and remove\n"
    "  --ca-file FILE          https: the CA that signed the exporter's certificate\n"
    "  --insecure              https: do not verify the certificate\n"
    "  --basic-auth-file FILE  USER:PASSWORD on one line (mode 600), when the exporter's\n"
    "                          web config has basic_auth_users\n";

const char* const kHealthcheckUsage =
    "usage: whm_transfer_exporter healthcheck [--url URL] [--ca-file FILE] [--insecure]\n"
    "         [--basic-auth-file FILE]\n"
    "  Exits 0 if URL answers 200, else 1 with the reason on stderr (for container health\n"
    "  checks: the image has no curl).\n"
    "  --url URL               default http://127.0.0.1:9923/-/healthy\n"
    "  --ca-file FILE          https: the CA that signed the exporter's certificate (default:\n"
    "                          the system's trust store)\n"
    "  --insecure              https: do not verify the certificate at all\n"
    "  --basic-auth-file FILE  USER:PASSWORD on one line (mode 600), when the exporter's\n"
    "                          web config has basic_auth_users\n";

namespace {

// Splits "--flag value" pairs from positional words.
struct Args {
  std::vector<std::string> words;
  std::map<std::string, std::string> flags;
  std::set<std::string> switches;
};

std::optional<Args> split_args(std::span<const std::string> args,
                               std::initializer_list<std::string_view> with_value,
                               std::initializer_list<std::string_view> switches,
                               std::ostream& err) {
  Args a;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& s = args[i];
    if (!s.starts_with("--")) {
      a.words.push_back(s);
      continue;
    }
    std::string name = s, value;
    const auto eq = s.find('=');
    if (eq != std::string::npos) {
      name = s.substr(0, eq);
      value = s.substr(eq + 1);
    }
    if (std::find(with_value.begin(), with_value.end(), name) != with_value.end()) {
      if (eq == std::string::npos) {
        if (i + 1 >= args.size()) {
          err << "whm_transfer_exporter: " << name << " needs a value\n";
          return std::nullopt;
        }
        value = args[++i];
      }
      a.flags[name] = value;
    } else if (std::find(switches.begin(), switches.end(), name) != switches.end()) {
      a.switches.insert(name);
    } else {
      err << "whm_transfer_exporter: unknown option " << name << "\n";
      return std::nullopt;
    }
  }
  return a;
}

// Adds the Authorization header from --basic-auth-file; false (after saying why) if the
// file cannot be used.
bool add_basic_auth(const Args& a, FetchRequest& req, std::string_view command, std::ostream& err) {
  const auto flag = a.flags.find("--basic-auth-file");
  if (flag == a.flags.end()) return true;
  const auto secret = config::load_secret_file(flag->second, false);
  if (!secret.ok()) {
    err << "whm_transfer_exporter " << command << ": " << secret.error().message << "\n";
    return false;
  }
  const std::string& line = secret.value().reveal();
  const auto colon = line.find(':');
  if (colon == std::string::npos || colon == 0 || line.find('\n') != std::string::npos) {
    err << "whm_transfer_exporter " << command << ": " << flag->second
        << " must hold USER:PASSWORD on one line\n";
    return false;
  }
  req.headers.emplace_back("Authorization",
                           basic_authorization(line.substr(0, colon), line.substr(colon + 1)));
  return true;
}

// "HTTP 401 Unauthorized" and the like, for a person.
std::string status_text(unsigned status) {
  std::string text = "HTTP " + std::to_string(status);
  const auto reason =
      boost::beast::http::obsolete_reason(boost::beast::http::int_to_status(status));
  if (!reason.empty()) text += " " + std::string(reason);
  return text;
}

// A string from the server, fit for a terminal: no control characters (escape sequences),
// at most `max_bytes`.
std::string printable(std::string_view text, std::size_t max_bytes) {
  std::string out = text::bounded_utf8(text, max_bytes);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = ' ';
  }
  return out;
}

// A field of the answer as text; a missing or non-string one (a state not known yet is
// null) is "unknown".
std::string string_field(const rapidjson::Value& object, const char* name) {
  const auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsString()) return "unknown";
  return printable({it->value.GetString(), it->value.GetStringLength()}, 200);
}

}  // namespace

std::optional<std::vector<ListedSession>> parse_sessions_list(std::string_view body) {
  rapidjson::Document d;  // bounded depth: a hostile or broken server cannot crash us
  if (!text::parse_json(d, body.data(), body.size()).ok() || !d.IsObject()) return std::nullopt;
  const rapidjson::Value& doc = d;  // const iterators: no ambiguous == in C++20
  const auto sessions = doc.FindMember("sessions");
  if (sessions == doc.MemberEnd() || !sessions->value.IsArray()) return std::nullopt;
  std::vector<ListedSession> out;
  for (const auto& s : sessions->value.GetArray()) {
    if (!s.IsObject()) return std::nullopt;
    out.push_back(
        {string_field(s, "host"), string_field(s, "session_id"), string_field(s, "state")});
  }
  return out;
}

int run_check_config(std::span<const std::string> all, std::ostream& out, std::ostream& err) {
  // `check-config FILE`, `--config.file FILE`, `--config.file=FILE` (and `--config`).
  std::vector<std::string> args(all.begin(), all.end());
  if (args.size() == 2 && (args[0] == "--config.file" || args[0] == "--config")) {
    args.erase(args.begin());
  } else if (args.size() == 1 && args[0].starts_with("--config.file=")) {
    args[0] = args[0].substr(std::string_view("--config.file=").size());
  }
  if (args.size() != 1 || args[0].empty() || args[0].starts_with("-")) {
    err << kCheckConfigUsage;
    return 2;
  }
  const auto result = config::load_config_file(args[0]);
  if (!result.ok()) {
    for (const auto& e : result.error()) err << e.to_string() << "\n";
    err << args[0] << ": " << result.error().size() << " error"
        << (result.error().size() == 1 ? "" : "s") << "\n";
    return 2;
  }
  // Everything the config names, exactly as `serve` checks it before starting or reloading
  // (prepared_config.hpp): tokens (never printed), CA files, the web config and its TLS
  // files. Each error names the file and line, the key or the host.
  boost::asio::io_context io;
  SourceFactory factory(io.get_executor());
  const auto prepared =
      prepare_config(result.value(), factory, config::TokenEnvironment::process());
  if (!prepared.ok()) {
    for (const auto& e : prepared.error()) err << e.message << "\n";
    const std::size_t bad = prepared.error().size();
    err << args[0] << ": " << bad << " error" << (bad == 1 ? "" : "s") << "\n";
    return 2;
  }
  const config::Config& c = result.value();
  out << args[0] << ": OK (" << c.hosts.size() << " host" << (c.hosts.size() == 1 ? "" : "s")
      << (c.local.enabled ? ", local mode on" : "") << ")\n";
  return 0;
}

int run_sessions(std::span<const std::string> args, std::ostream& out, std::ostream& err) {
  const auto a = split_args(args, {"--url", "--token-file", "--ca-file", "--basic-auth-file"},
                            {"--insecure"}, err);
  if (!a || a->words.empty()) {
    err << kSessionsUsage;
    return 2;
  }
  const std::string& verb = a->words[0];
  const bool mutating = verb == "add" || verb == "remove";
  if ((mutating && a->words.size() != 3) || (verb == "list" && a->words.size() != 1) ||
      (!mutating && verb != "list")) {
    err << kSessionsUsage;
    return 2;
  }
  std::string base = a->flags.contains("--url") ? a->flags.at("--url") : "http://127.0.0.1:9923";
  while (base.ends_with("/")) base.pop_back();

  FetchRequest req;
  if (a->flags.contains("--ca-file")) req.ca_file = a->flags.at("--ca-file");
  req.insecure = a->switches.contains("--insecure");
  if (!add_basic_auth(*a, req, "sessions", err)) return 2;
  if (mutating) {
    std::optional<config::TokenSource> source;
    if (a->flags.contains("--token-file")) {
      source = config::TokenSource{config::TokenSource::Kind::file, a->flags.at("--token-file")};
    } else if (std::getenv("WHM_TRANSFER_EXPORTER_API_TOKEN")) {
      source =
          config::TokenSource{config::TokenSource::Kind::env, "WHM_TRANSFER_EXPORTER_API_TOKEN"};
    }
    if (!source) {
      err << "whm_transfer_exporter sessions: no API token: use --token-file FILE or "
             "$WHM_TRANSFER_EXPORTER_API_TOKEN\n";
      return 2;
    }
    auto token = config::load_token(*source, config::TokenEnvironment::process(), false);
    if (!token.ok()) {
      err << "whm_transfer_exporter sessions: " << token.error().message << "\n";
      return 2;
    }
    req.headers.emplace_back("X-Api-Token", token.value().reveal());
  }
  const std::string& host = mutating ? a->words[1] : std::string();
  const std::string& id = mutating ? a->words[2] : std::string();
  if (verb == "add") {
    req.method = "POST";
    req.url = base + "/api/v1/sessions";
    rapidjson::Document d(rapidjson::kObjectType);  // built as JSON, never by pasting strings
    d.AddMember("host", rapidjson::Value(host.c_str(), d.GetAllocator()), d.GetAllocator());
    d.AddMember("session_id", rapidjson::Value(id.c_str(), d.GetAllocator()), d.GetAllocator());
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    d.Accept(w);
    req.body = sb.GetString();
  } else if (verb == "remove") {
    req.method = "DELETE";
    req.url = base + "/api/v1/sessions/" + host + "/" + id;
  } else {
    req.url = base + "/api/v1/sessions";
  }
  const Result<FetchResponse> fetched = http_fetch(req);
  if (!fetched.ok()) {
    err << "whm_transfer_exporter sessions: " << base << ": " << fetched.error().message << "\n";
    return 2;
  }
  const FetchResponse& resp = fetched.value();
  if (resp.status / 100 != 2) {
    err << "whm_transfer_exporter sessions: " << status_text(resp.status) << ": "
        << printable(resp.body, 500) << "\n";
    return 1;
  }
  if (verb != "list") {
    out << (verb == "add" ? "registered " : "removed ") << host << " " << id << "\n";
    return 0;
  }
  const auto sessions = parse_sessions_list(resp.body);
  if (!sessions) {
    err << "whm_transfer_exporter sessions: unexpected answer from " << printable(req.url, 200)
        << "\n";
    return 2;
  }
  for (const auto& s : *sessions) out << s.host << "\t" << s.session_id << "\t" << s.state << "\n";
  return 0;
}

int run_healthcheck(std::span<const std::string> args, std::ostream& out, std::ostream& err) {
  const auto a = split_args(args, {"--url", "--ca-file", "--basic-auth-file"}, {"--insecure"}, err);
  if (!a || !a->words.empty()) {
    err << kHealthcheckUsage;
    return 2;
  }
  FetchRequest req;
  req.url = a->flags.contains("--url") ? a->flags.at("--url") : "http://127.0.0.1:9923/-/healthy";
  if (a->flags.contains("--ca-file")) req.ca_file = a->flags.at("--ca-file");
  req.insecure = a->switches.contains("--insecure");
  if (!add_basic_auth(*a, req, "healthcheck", err)) return 2;
  const auto resp = http_fetch(req);
  if (resp.ok() && resp.value().status == 200) {
    out << "healthy\n";
    return 0;
  }
  err << "unhealthy: " << req.url << ": "
      << (resp.ok() ? status_text(resp.value().status) : resp.error().message) << "\n";
  return 1;
}

}  // namespace wte::exporter
