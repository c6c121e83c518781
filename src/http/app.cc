#include "http/app.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/datetime.h"
#include "http/metrics.h"

namespace mingjing::http {
namespace {

// Element Plus sets inline styles, hence 'unsafe-inline' for styles only.
constexpr const char* kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

bool is_unsafe(const std::string& method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

bool constant_time_equal(const std::string& a, const std::string& b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string content_type_for(const std::string& path) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".ttf", "font/ttf"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const auto& [ext, type] : kTypes) {
    std::string_view e(ext);
    if (path.size() >= e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0) {
      return type;
    }
  }
  return "application/octet-stream";
}

void add_security_headers(Response& r) {
  r.headers.emplace_back("Content-Security-Policy", kCsp);
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Referrer-Policy", "same-origin");
}

}  // namespace

App::App(Services services, AppSettings settings)
    : services_(services), settings_(std::move(settings)) {
  if (!settings_.openapi_path.empty()) {
    std::ifstream in(settings_.openapi_path);
    if (in) openapi_.assign(std::istreambuf_iterator<char>(in), {});
    if (openapi_.empty()) spdlog::warn("OpenAPI document not found at {}", settings_.openapi_path);
  }
  add_system_routes(router_, services_, *this, openapi_);
  add_auth_routes(router_, services_, settings_);
  add_region_routes(router_, services_);
  add_user_routes(router_, services_);
  add_audit_routes(router_, services_);
  add_record_routes(router_, services_);
  add_import_routes(router_, services_);
  add_warning_routes(router_, services_);
  add_rule_routes(router_, services_);
  std::vector<std::string> labels;
  for (const Route& r : router_.routes()) labels.push_back(r.method + " " + r.pattern);
  metrics_ = std::make_unique<Metrics>(std::move(labels));
  load_static();
}

App::~App() = default;

std::string App::metrics_text() const {
  return metrics_->render();
}

void App::load_static() {
  namespace fs = std::filesystem;
  if (settings_.static_dir.empty()) return;
  std::error_code ec;
  if (!fs::is_directory(settings_.static_dir, ec)) {
    spdlog::warn("front end not built: {} missing (run npm run build in web/)",
                 settings_.static_dir);
    return;
  }
  for (const auto& entry : fs::recursive_directory_iterator(settings_.static_dir, ec)) {
    if (!entry.is_regular_file()) continue;
    std::string rel = "/" + fs::relative(entry.path(), settings_.static_dir).generic_string();
    std::ifstream in(entry.path(), std::ios::binary);
    std::string body((std::istreambuf_iterator<char>(in)), {});
    // Vite puts content-hashed bundles under /assets/: cache them forever.
    bool immutable = rel.rfind("/assets/", 0) == 0;
    static_files_[rel] = {content_type_for(rel), std::move(body), immutable};
  }
  spdlog::info("serving {} front-end files from {}", static_files_.size(), settings_.static_dir);
}

Response App::serve_static(const Request& req) {
  auto it = static_files_.find(req.path);
  bool fallback = false;
  if (it == static_files_.end()) {
    // Client-side routes (/system/users ...) all load the single page.
    it = static_files_.find("/index.html");
    fallback = true;
  }
  if (it == static_files_.end()) {
    return Response::error({core::errc::kNotFound, "页面不存在", ""});
  }
  Response r;
  r.content_type = it->second.content_type;
  r.body = req.method == "HEAD" ? "" : it->second.body;
  r.headers.emplace_back("Cache-Control", it->second.immutable && !fallback
                                              ? "public, max-age=31536000, immutable"
                                              : "no-cache");
  return r;
}

Response App::handle(Request& req) {
  auto started = std::chrono::steady_clock::now();
  ++in_flight_;
  std::size_t route_index = metrics_->unmatched_slot();
  Response res;
  try {
    res = dispatch(req, route_index);
  } catch (const std::exception& e) {
    spdlog::error("{} {} failed: {}", req.method, req.path, e.what());
    res = Response::error(core::Error::internal());
  }
  add_security_headers(res);
  --in_flight_;
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  metrics_->observe(route_index, res.status, seconds);
  return res;
}

Response App::dispatch(Request& req, std::size_t& route_index) {
  if (draining_) return Response::error({core::errc::kUnavailable, "服务正在停止，请稍后重试", ""});
  bool method_mismatch = false;
  const Route* route = router_.match(req.method, req.path, req.params, &method_mismatch);
  if (!route) {
    bool api = req.path.rfind("/api/", 0) == 0;
    if (method_mismatch) return Response::error({"method_not_allowed", "不支持的请求方法", ""});
    if (api) return Response::error(core::Error::not_found("接口不存在"));
    if (req.method != "GET" && req.method != "HEAD") {
      return Response::error({"method_not_allowed", "不支持的请求方法", ""});
    }
    route_index = metrics_->static_slot();
    return serve_static(req);
  }
  route_index = router_.index_of(route);
  if (req.body.size() > route->max_body) {
    std::string limit = route->max_body >= 1024 * 1024
                            ? std::to_string(route->max_body / 1024 / 1024) + " MB"
                            : std::to_string(route->max_body / 1024) + " KB";
    return Response::error({core::errc::kTooLarge, "请求体过大（上限 " + limit + "）", ""});
  }
  if (!req.body.empty() && !route->raw_body) {
    std::string type = req.header("content-type");
    if (type.rfind("application/json", 0) != 0) {
      return Response::error({"unsupported_media_type", "请求体须为 application/json", ""});
    }
  }
  Context ctx{req, nullptr, req.cookie("mj_session")};
  std::optional<auth::Principal> principal;
  if (route->access == Access::kSession) {
    auto who = services_.auth.authenticate(ctx.session_token);
    if (!who.ok()) return Response::error(who.error());
    principal = std::move(who.value());
    if (is_unsafe(req.method) &&
        !constant_time_equal(req.header("x-csrf-token"), principal->csrf_token)) {
      return Response::error({"csrf", "安全校验失败，请刷新页面后重试", ""});
    }
    // An account with an initial or reset password may only change it.
    if (principal->must_change_password && req.path.rfind("/api/v1/auth/", 0) != 0) {
      return Response::error({"password_change_required", "请先修改初始密码", ""});
    }
    ctx.principal = &*principal;
  }
  return route->handler(ctx);
}

std::string format_time(long long unix_ms) {
  return core::DateTime::from_unix_ms(unix_ms).to_string();
}

nlohmann::json role_json(const auth::RoleAssignment& a, regions::RegionService& regions) {
  const auth::RoleDef* def = auth::find_role(a.role);
  auto region = regions.get(a.region_code);
  return {{"id", a.id},
          {"role", a.role},
          {"role_name", def ? std::string(def->name) : a.role},
          {"region_code", a.region_code},
          {"region_name", region.ok() ? region->name : ""},
          {"region_level", region.ok() ? std::string(core::to_string(region->level)) : ""},
          {"programmes", a.programmes}};
}

nlohmann::json user_json(const auth::User& u, regions::RegionService& regions) {
  nlohmann::json roles = nlohmann::json::array();
  for (const auto& r : u.roles) roles.push_back(role_json(r, regions));
  return {{"id", u.id},
          {"username", u.username},
          {"display_name", u.display_name},
          {"status", u.status},
          {"locked", u.locked},
          {"must_change_password", u.must_change_password},
          {"roles", roles},
          {"created_at", format_time(u.created_at)},
          {"last_login_at",
           u.last_login_at ? nlohmann::json(format_time(*u.last_login_at)) : nlohmann::json()}};
}

}  // namespace mingjing::http
