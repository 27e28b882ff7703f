#pragma once
// systemd's notification socket ($NOTIFY_SOCKET), spoken directly: the protocol is one
// AF_UNIX datagram of newline-separated KEY=VALUE lines (sd_notify(3), "Notes"), so no
// libsystemd is needed and the release binary stays fully static. The address is a path
// ("/run/systemd/notify") or, when it starts with "@", a name in the abstract namespace.
#include <sys/socket.h>
#include <sys/un.h>

#include <optional>
#include <string>
#include <string_view>

#include "error/result.hpp"
#include "os/unique_fd.hpp"

namespace wte::exporter {

struct NotifyAddress {
  sockaddr_un address{};
  socklen_t length = 0;  // of the used part: an abstract name is not NUL-terminated
};

// nullopt when the value is not an address this side can use: empty, relative, too long
// for sun_path, or another socket family (systemd 253+ also offers "vsock:CID:PORT", for
// virtual machines; a service on the host is never given one).
std::optional<NotifyAddress> parse_notify_address(std::string_view value);

class NotifySocket {
 public:
  // `notify_socket` is the value of $NOTIFY_SOCKET; empty when the variable is unset.
  explicit NotifySocket(std::string_view notify_socket);

  // True when there is somewhere to send to (run by systemd as Type=notify).
  bool enabled() const { return address_.has_value(); }
  // Why an unset-looking $NOTIFY_SOCKET is unusable; empty when it is unset or usable.
  const std::string& problem() const { return problem_; }

  // Sends one datagram (nothing to do when disabled); the error is the reason it failed.
  Status<> send(std::string_view message) const;

 private:
  std::optional<NotifyAddress> address_;
  std::string problem_;
  os::UniqueFd fd_;
};

}  // namespace wte::exporter
