#include "http/server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <restinio/all.hpp>
#include <thread>
#include <vector>

namespace mingjing::http {
namespace {

using Traits = restinio::traits_t<restinio::asio_timer_manager_t, restinio::null_logger_t>;
using Server = restinio::http_server_t<Traits>;

const char* reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 423:
      return "Locked";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

Request to_request(const restinio::request_handle_t& rh) {
  Request req;
  const auto& h = rh->header();
  req.method = h.method().c_str();
  auto path = restinio::utils::try_unescape_percent_encoding(h.path());
  req.path = path ? std::move(*path) : std::string(h.path());
  auto query =
      restinio::try_parse_query<restinio::parse_query_traits::javascript_compatible>(h.query());
  if (query) {
    for (const auto& [k, v] : *query) req.query[std::string(k)] = std::string(v);
  } else {
    req.query_malformed = true;
  }
  h.for_each_field([&](const auto& f) {
    std::string name = f.name();
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers.emplace_back(std::move(name), f.value());
  });
  req.body = rh->body();
  req.client_ip = rh->remote_endpoint().address().to_string();
  return req;
}

restinio::request_handling_status_t respond(const restinio::request_handle_t& rh,
                                            const Response& res) {
  auto out = rh->create_response(restinio::http_status_line_t{
      restinio::http_status_code_t{static_cast<std::uint16_t>(res.status)},
      reason_phrase(res.status)});
  if (!res.content_type.empty())
    out.append_header(restinio::http_field::content_type, res.content_type);
  for (const auto& [k, v] : res.headers) out.append_header(k, v);
  out.set_body(res.body);
  return out.done();
}

}  // namespace

core::Status serve(App& app, const ServerSettings& settings, std::function<void()> on_listening,
                   std::function<bool()> stop_requested) {
  Server server{restinio::own_io_context(), [&](auto& s) {
                  s.address(settings.bind)
                      .port(settings.port)
                      .max_pipelined_requests(8)
                      .acceptor_post_bind_hook([&](asio::ip::tcp::acceptor&) {
                        if (on_listening) on_listening();
                      })
                      .read_next_http_message_timelimit(std::chrono::seconds(60))
                      .handle_request_timeout(std::chrono::seconds(60))
                      .incoming_http_msg_limits(restinio::incoming_http_msg_limits_t{}
                                                    .max_body_size(settings.max_body_bytes)
                                                    .max_url_size(8 * 1024)
                                                    .max_field_count(100))
                      .request_handler([&app](restinio::request_handle_t rh) {
                        Request req = to_request(rh);
                        // A query that cannot be read is refused, not ignored:
                        // a dropped filter would show the wrong rows.
                        if (req.query_malformed) {
                          return respond(rh, Response::error(core::Error::invalid(
                                                 "请求参数格式不正确（须经URL编码）", "query")));
                        }
                        return respond(rh, app.handle(req));
                      });
                }};

  // Bind here, on this thread, before any worker runs: restinio::run() binds
  // on a pool thread, and a bind error that comes before the pool has marked
  // itself started is lost, leaving the pool running with nothing to serve.
  try {
    server.open_sync();
  } catch (const std::exception& e) {
    spdlog::error("cannot listen: {}", e.what());
    return core::Error{core::errc::kUnavailable,
                       "无法在 " + settings.bind + ":" + std::to_string(settings.port) +
                           " 上监听（端口被占用或无权限）",
                       "port"};
  }

  std::atomic<bool> stopping{false};
  std::thread drainer;
  auto begin_shutdown = [&] {
    if (stopping.exchange(true)) return;
    spdlog::info("shutting down: waiting for {} request(s) in flight", app.in_flight());
    app.start_draining();
    drainer = std::thread([&] {
      auto deadline =
          std::chrono::steady_clock::now() + std::chrono::seconds(settings.drain_seconds);
      while (app.in_flight() > 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      restinio::initiate_shutdown(server);
    });
  };

  asio::signal_set signals(server.io_context(), SIGINT, SIGTERM);
  signals.async_wait([&](const asio::error_code& ec, int) {
    if (!ec) begin_shutdown();
  });
  std::unique_ptr<asio::steady_timer> poll;
  std::function<void()> arm;
  if (stop_requested) {
    poll = std::make_unique<asio::steady_timer>(server.io_context());
    arm = [&] {
      poll->expires_after(std::chrono::milliseconds(50));
      poll->async_wait([&](const asio::error_code& ec) {
        if (ec) return;
        if (stop_requested()) {
          signals.cancel();
          begin_shutdown();
        } else {
          arm();
        }
      });
    };
    arm();
  }

  // initiate_shutdown() closes the server and stops the io_context, which
  // returns every worker from run().
  std::vector<std::thread> workers;
  for (std::size_t i = 0; i < std::max<std::size_t>(settings.threads, 1); ++i) {
    workers.emplace_back([&server] { server.io_context().run(); });
  }
  for (auto& w : workers) w.join();
  if (drainer.joinable()) drainer.join();
  return {};
}

}  // namespace mingjing::http
