// A minimal blocking HTTP/1.1 client for tests against the real server on
// loopback: one connection per request, a cookie jar, the CSRF header.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace mingjing::testing {

struct HttpResult {
  int status = 0;                              // 0 when the connection failed
  std::map<std::string, std::string> headers;  // lower-case names, last wins
  std::vector<std::string> set_cookies;
  std::string body;
};

class HttpClient {
 public:
  explicit HttpClient(int port) : port_(port) {}
  HttpResult request(const std::string& method, const std::string& path,
                     const std::string& body = "", std::map<std::string, std::string> headers = {});
  HttpResult get(const std::string& path) { return request("GET", path); }
  HttpResult post(const std::string& path, const std::string& json) {
    return request("POST", path, json);
  }
  // Cookies from Set-Cookie are kept and sent back; set the CSRF token to
  // send it as X-CSRF-Token on unsafe methods.
  void set_csrf(std::string token) { csrf_ = std::move(token); }
  void clear_cookies() { cookies_.clear(); }
  const std::map<std::string, std::string>& cookies() const { return cookies_; }

 private:
  int port_;
  std::map<std::string, std::string> cookies_;
  std::string csrf_;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();
// Waits until something accepts connections on the port (up to ~5 s).
bool wait_for_port(int port);

}  // namespace mingjing::testing
