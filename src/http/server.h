// The HTTP server: RESTinio on a thread pool, feeding App. The only place
// that includes RESTinio.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/result.h"
#include "http/app.h"

namespace mingjing::http {

struct ServerSettings {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 8080;
  std::size_t threads = 2;
  // Bodies above this are refused by the socket layer (connection closed);
  // each route has its own smaller limit answered with 413.
  std::size_t max_body_bytes = 32u * 1024 * 1024;
  // How long a graceful shutdown waits for requests in flight.
  int drain_seconds = 10;
};

// Serves until SIGINT or SIGTERM (graceful: stop taking requests, let those
// in flight finish, close), or until `stop_requested` returns true when it is
// polled (tests). `on_listening` runs once the socket is open. Errors:
// unavailable (address in use, permission).
core::Status serve(App& app, const ServerSettings& settings,
                   std::function<void()> on_listening = {},
                   std::function<bool()> stop_requested = {});

}  // namespace mingjing::http
