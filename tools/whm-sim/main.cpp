// whm-sim: simulated WHM servers for tests and the demo (never installed). See
// sim_options.hpp for the flags and world.hpp for what the servers answer.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "sim_cert.hpp"
#include "sim_options.hpp"
#include "sim_server.hpp"

namespace {

using namespace wte::whmsim;

std::string read_file(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(std::string("cannot read ") + what + " " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The token's file: one line, surrounding whitespace ignored. Its text never appears in a
// message.
std::string read_token(const std::string& path) {
  std::string token = read_file(path, "the token file");
  const auto first = token.find_first_not_of(" \t\r\n");
  const auto last = token.find_last_not_of(" \t\r\n");
  if (first == std::string::npos) throw std::runtime_error("the token file " + path + " is empty");
  token = token.substr(first, last - first + 1);
  if (token.find_first_of(" \t\r\n") != std::string::npos) {
    throw std::runtime_error("the token file " + path + " must hold one token on one line");
  }
  return token;
}

// Written whole, then renamed into place: a test polling for it never reads half a file.
void write_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) throw std::runtime_error("cannot write " + tmp);
  }
  std::filesystem::rename(tmp, path);
}

int run(const SimOptions& o) {
  const std::string token = read_token(o.token_file);
  std::vector<std::string> logs;
  for (const auto& f : o.log_files) logs.push_back(read_file(f, "the log"));

  TempDir temp;
  CertFiles certs;
  if (o.cert_file.empty()) {
    certs = generate_test_certs(temp.path());
  } else {
    certs.cert_file = o.cert_file;
    certs.key_file = o.key_file;
    if (o.wrong_cert_file.empty()) {
      generate_self_signed_wrong_cert(temp.path(), certs);
    } else {
      certs.wrong_cert_file = o.wrong_cert_file;
      certs.wrong_key_file = o.wrong_key_file;
    }
  }
  if (!o.write_ca.empty()) {
    if (certs.ca_file.empty()) throw std::runtime_error("--write-ca needs a generated certificate");
    write_atomically(o.write_ca, read_file(certs.ca_file, "the CA"));
  }

  const auto epoch = o.epoch.value_or(std::chrono::duration_cast<std::chrono::seconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
  World world = build_world(o, logs, token, Clock::now(), epoch);
  if (auto err = apply_fault_options(world, o.faults)) throw std::runtime_error(*err);

  boost::asio::io_context io;
  SimServer server(io, world,
                   {certs.cert_file, certs.key_file, certs.wrong_cert_file, certs.wrong_key_file},
                   o.ports, o.control_port);
  server.start();
  if (!o.ports_file.empty()) write_atomically(o.ports_file, server.ports_json());
  for (std::size_t i = 0; i < world.host_count(); ++i) {
    std::cerr << "whm-sim: " << world.host(i).name << " https://127.0.0.1:" << world.port(i) << " ("
              << (world.host(i).style == ResponseStyle::legacy ? "old" : "new")
              << " style, log access " << log_access_name(world.host(i).log_access)
              << "), sessions:";
    for (const auto& id : world.session_ids(i)) std::cerr << ' ' << id;
    std::cerr << "\n";
  }
  std::cerr << "whm-sim: control http://127.0.0.1:" << server.control_port() << "\n";

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code, int) {
    server.stop();
    io.stop();
  });
  io.run();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  for (const auto a : args) {
    if (a == "--help" || a == "-h") {
      std::cout << kSimUsage;
      return 0;
    }
  }
  auto parsed = parse_sim_options(args);
  if (auto* err = std::get_if<std::string>(&parsed)) {
    std::cerr << "whm-sim: " << *err << "\n" << kSimUsage;
    return 2;
  }
  try {
    return run(std::get<SimOptions>(parsed));
  } catch (const std::exception& e) {
    std::cerr << "whm-sim: " << e.what() << "\n";
    return 1;
  }
}
