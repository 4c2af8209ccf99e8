#pragma once
// Asio I/O objects bound to the io_context's own executor type rather than
// the type-erased any_io_executor: smaller objects and pending operations.
// Client sockets are not Asio objects at all (see poller.h).

#include <chrono>

#include <asio.hpp>

namespace wg::net {

using Executor = asio::io_context::executor_type;
using Acceptor = asio::basic_socket_acceptor<asio::ip::tcp, Executor>;
using Timer = asio::basic_waitable_timer<std::chrono::steady_clock, asio::wait_traits<std::chrono::steady_clock>,
                                         Executor>;

}  // namespace wg::net
