#include "exporter/notify_socket.hpp"

#include <cerrno>
#include <cstring>

namespace wte::exporter {

std::optional<NotifyAddress> parse_notify_address(std::string_view value) {
  NotifyAddress a;
  a.address.sun_family = AF_UNIX;
  const bool abstract = value.starts_with('@');
  if (!abstract && !value.starts_with('/')) return std::nullopt;
  // A path needs room for its terminating NUL; an abstract name has none (its first byte is
  // the NUL that marks it abstract).
  const std::size_t room = sizeof(a.address.sun_path) - (abstract ? 0 : 1);
  if (value.size() < 2 || value.size() > room) return std::nullopt;
  std::memcpy(a.address.sun_path, value.data(), value.size());
  if (abstract) a.address.sun_path[0] = '\0';
  a.length =
      static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + value.size() + (abstract ? 0 : 1));
  return a;
}

NotifySocket::NotifySocket(std::string_view notify_socket)
    : address_(parse_notify_address(notify_socket)),
      problem_(notify_socket.empty() || address_
                   ? std::string()
                   : "unusable NOTIFY_SOCKET \"" + std::string(notify_socket) +
                         "\" (neither an absolute path nor @abstract)"),
      fd_(address_ ? ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0) : -1) {
  if (address_ && fd_.get() < 0) {
    problem_ = std::string("cannot create a socket for NOTIFY_SOCKET: ") + std::strerror(errno);
  }
}

Status<> NotifySocket::send(std::string_view message) const {
  if (!address_) return done;
  if (fd_.get() < 0) return Error{problem_};
  const auto* to = reinterpret_cast<const sockaddr*>(&address_->address);
  if (::sendto(fd_.get(), message.data(), message.size(), MSG_NOSIGNAL, to, address_->length) < 0) {
    return Error{std::strerror(errno)};
  }
  return done;
}

}  // namespace wte::exporter
