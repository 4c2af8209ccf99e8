#pragma once
// Asio I/O objects bound to the io_context's own executor type rather than
// the type-erased any_io_executor: smaller sockets, and smaller pending
// operations (one is pending per idle connection, so this is memory per device).

#include <chrono>

#include <asio.hpp>

namespace wg::net {

using Executor = asio::io_context::executor_type;
using Socket = asio::basic_stream_socket<asio::ip::tcp, Executor>;
using Acceptor = asio::basic_socket_acceptor<asio::ip::tcp, Executor>;
using Timer = asio::basic_waitable_timer<std::chrono::steady_clock, asio::wait_traits<std::chrono::steady_clock>,
                                         Executor>;

}  // namespace wg::net
