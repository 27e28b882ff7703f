#pragma once
// Whether the client of a held request is still connected, seen from the kernel's table of
// TCP sockets: the simulator's server reads nothing from a connection while its request is
// being answered, so it cannot see a client that gave up (nor can cpsrvd's looping worker).
// Linux only; elsewhere nothing is known and every client counts as connected.
#include <optional>
#include <string>
#include <string_view>

namespace wte::whmsim {

// The text of /proc/net/tcp (IPv4 sockets); nothing where it cannot be read.
std::optional<std::string> read_tcp_table();

// True if `table` lists the socket of local address 127.0.0.1:`local_port` connected to
// `remote` ("127.0.0.1:PORT") as ESTABLISHED. A client that closed leaves the server's
// socket in CLOSE_WAIT, one that reset it no socket at all. A `remote` that is not an IPv4
// "a.b.c.d:port" cannot be looked up: true.
bool tcp_established(std::string_view table, unsigned short local_port, std::string_view remote);

}  // namespace wte::whmsim
