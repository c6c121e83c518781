#include "http/api.h"

#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>

namespace mingjing::http {

std::string Request::header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers) {
    if (k == lower_name) return v;
  }
  return {};
}

std::string Request::cookie(std::string_view name) const {
  std::string all = header("cookie");
  std::string_view rest = all;
  while (!rest.empty()) {
    std::size_t semi = rest.find(';');
    std::string_view part = rest.substr(0, semi);
    rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    std::size_t eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name) {
      return std::string(part.substr(eq + 1));
    }
  }
  return {};
}

std::string Request::query_or(const std::string& key, const std::string& fallback) const {
  auto it = query.find(key);
  return it == query.end() ? fallback : it->second;
}

Response Response::json(int status, const nlohmann::json& body) {
  Response r;
  r.status = status;
  // Replace invalid UTF-8 rather than throw: stored text is validated on
  // the way in, but a response must never fail.
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response Response::json_text(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response Response::no_content() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

Response Response::error(const core::Error& e) {
  nlohmann::json err = {{"code", e.code}, {"message", e.message}};
  err["field"] = e.field.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.field);
  return json(status_for(e.code), {{"error", err}});
}

void Router::add(Route r) {
  routes_.push_back(std::move(r));
}

namespace {

// Matches "/a/:id/b" against "/a/12/b"; fills params.
bool match_pattern(std::string_view pattern, std::string_view path,
                   std::map<std::string, std::string>& params) {
  while (!pattern.empty() && !path.empty()) {
    std::size_t ps = pattern.find('/', 1), qs = path.find('/', 1);
    std::string_view pseg = pattern.substr(0, ps), qseg = path.substr(0, qs);
    if (pseg.size() > 1 && pseg[1] == ':') {
      if (qseg.size() <= 1) return false;
      params[std::string(pseg.substr(2))] = std::string(qseg.substr(1));
    } else if (pseg != qseg) {
      return false;
    }
    pattern = ps == std::string_view::npos ? std::string_view{} : pattern.substr(ps);
    path = qs == std::string_view::npos ? std::string_view{} : path.substr(qs);
  }
  return pattern.empty() && path.empty();
}

}  // namespace

const Route* Router::match(const std::string& method, const std::string& path,
                           std::map<std::string, std::string>& params,
                           bool* method_mismatch) const {
  bool mismatch = false;
  for (const Route& r : routes_) {
    std::map<std::string, std::string> found;
    if (!match_pattern(r.pattern, path, found)) continue;
    if (r.method != method) {
      mismatch = true;
      continue;
    }
    params = std::move(found);
    return &r;
  }
  if (method_mismatch) *method_mismatch = mismatch;
  return nullptr;
}

core::Result<nlohmann::json> parse_json_body(const Request& req) {
  auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return core::Error::invalid("请求体不是有效的 JSON 对象");
  }
  return body;
}

core::Result<long long> param_id(const Request& req, const std::string& name) {
  auto it = req.params.find(name);
  long long v = 0;
  if (it == req.params.end()) return core::Error::invalid("缺少参数", name);
  const std::string& s = it->second;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v <= 0) {
    return core::Error::not_found("资源不存在");
  }
  return v;
}

int query_int(const Request& req, const std::string& key, int fallback, int lo, int hi) {
  auto it = req.query.find(key);
  if (it == req.query.end()) return fallback;
  int v = 0;
  const std::string& s = it->second;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return fallback;
  return std::clamp(v, lo, hi);
}

std::string attachment_disposition(const std::string& file_name) {
  // An ASCII fallback for old clients, then the UTF-8 name (RFC 6266, 5987).
  std::string ascii, encoded;
  for (unsigned char c : file_name) {
    bool plain = std::isalnum(c) || c == '.' || c == '-' || c == '_';
    ascii += plain ? static_cast<char>(c) : '_';
    if (plain) {
      encoded += static_cast<char>(c);
    } else {
      static const char* hex = "0123456789ABCDEF";
      encoded += '%';
      encoded += hex[c >> 4];
      encoded += hex[c & 15];
    }
  }
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

}  // namespace mingjing::http
