#pragma once
// The systemd side of the notification protocol, for tests: a datagram socket the test binds
// (at a path or an abstract name) and reads messages from, with a deadline.
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>

#include "os/unique_fd.hpp"

namespace wte::exporter::testing {

class NotifyListener {
 public:
  // `address` as in $NOTIFY_SOCKET: "/path" or "@abstract-name".
  explicit NotifyListener(const std::string& address)
      : address_(address), fd_(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    if (fd_.get() < 0) throw std::runtime_error("socket() failed");
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    if (address.size() >= sizeof(a.sun_path)) throw std::runtime_error("address too long");
    std::memcpy(a.sun_path, address.data(), address.size());
    const bool abstract = address.starts_with('@');
    if (abstract) a.sun_path[0] = '\0';
    const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address.size() +
                                            (abstract ? 0 : 1));
    if (::bind(fd_.get(), reinterpret_cast<const sockaddr*>(&a), len) != 0) {
      throw std::runtime_error("bind " + address + ": " + std::strerror(errno));
    }
  }
  ~NotifyListener() {
    if (address_.starts_with('/')) ::unlink(address_.c_str());
  }
  NotifyListener(const NotifyListener&) = delete;
  NotifyListener& operator=(const NotifyListener&) = delete;

  // The next datagram, or nullopt when none came before the deadline.
  std::optional<std::string> receive(
      std::chrono::milliseconds deadline = std::chrono::seconds(30)) {
    pollfd p{fd_.get(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(deadline.count())) <= 0) return std::nullopt;
    return receive_now();
  }

  // A datagram already waiting, or nullopt.
  std::optional<std::string> receive_now() {
    char buf[4096];
    const ssize_t n = ::recv(fd_.get(), buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0) return std::nullopt;
    return std::string(buf, static_cast<std::size_t>(n));
  }

 private:
  std::string address_;
  os::UniqueFd fd_;
};

// A name no other test process uses at the same time.
inline std::string unique_abstract_name() {
  static std::atomic<int> counter{0};
  return "@wte-notify-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

}  // namespace wte::exporter::testing
