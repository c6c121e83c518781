// The HTTP layer's own request/response types and router. Only server.cc
// sees RESTinio; route files work with these plain structs, so they compile
// fast and can be tested without a socket.
//
// Thread-safety: a Router is built once at start-up, then read-only.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/auth.h"
#include "core/result.h"

namespace mingjing::http {

struct Request {
  std::string method;  // upper case
  std::string path;    // decoded path without query
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> params;                 // from the route pattern
  std::vector<std::pair<std::string, std::string>> headers;  // names lower case
  std::string body;
  std::string client_ip;
  bool query_malformed = false;  // the query string could not be decoded

  // Empty when absent.
  std::string header(std::string_view lower_name) const;
  std::string cookie(std::string_view name) const;
  std::string query_or(const std::string& key, const std::string& fallback) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static Response json(int status, const nlohmann::json& body);
  // Already serialised JSON (from JsonWriter).
  static Response json_text(int status, std::string body);
  static Response no_content();
  // {"error":{"code","message","field"}} with the status from the one table.
  static Response error(const core::Error& e);
};

// The status code for an error code (errors.cc holds the table).
int status_for(const std::string& error_code);

// What a handler gets: the request and, on authenticated routes, the caller.
struct Context {
  Request& req;
  const auth::Principal* principal = nullptr;  // set when the route needs a session
  std::string session_token;                   // raw cookie value, when present
};

using Handler = std::function<Response(Context&)>;

enum class Access {
  kPublic,   // no session needed
  kSession,  // a valid session; unsafe methods also need the CSRF token
};

struct Route {
  std::string method;
  std::string pattern;  // "/api/v1/users/:id"
  Access access;
  Handler handler;
  std::size_t max_body = 64 * 1024;  // larger bodies get 413
  // The body is a file of any type (uploads), not JSON. The CSRF header
  // still guards it: no cross-site form can set it.
  bool raw_body = false;
};

class Router {
 public:
  void add(Route r);
  // The route and filled params, or nullptr. Sets *method_mismatch when the
  // path exists under another method.
  const Route* match(const std::string& method, const std::string& path,
                     std::map<std::string, std::string>& params, bool* method_mismatch) const;
  const std::vector<Route>& routes() const { return routes_; }
  // Index of a route in routes(), for metrics.
  std::size_t index_of(const Route* r) const {
    return static_cast<std::size_t>(r - routes_.data());
  }

 private:
  std::vector<Route> routes_;
};

// Parsing helpers for handlers. Failures are invalid_argument errors that
// name the field.
core::Result<nlohmann::json> parse_json_body(const Request& req);
core::Result<long long> param_id(const Request& req, const std::string& name);
int query_int(const Request& req, const std::string& key, int fallback, int lo, int hi);

// A Content-Disposition value that downloads a file under `file_name`
// (UTF-8, e.g. "银行流水-330782.xlsx").
std::string attachment_disposition(const std::string& file_name);

}  // namespace mingjing::http
