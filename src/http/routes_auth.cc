// /api/v1/auth: login, logout, the current session, role switching.
#include <nlohmann/json.hpp>

#include "http/app.h"

namespace mingjing::http {
namespace {

constexpr const char* kCookie = "mj_session";

nlohmann::json me_json(const auth::Principal& p, const auth::Settings& settings,
                       regions::RegionService& regions) {
  nlohmann::json roles = nlohmann::json::array();
  for (const auto& r : p.roles) roles.push_back(role_json(r, regions));
  nlohmann::json perms = nlohmann::json::array();
  if (const auth::RoleDef* def = auth::find_role(p.active.role)) {
    for (auto perm : def->permissions) perms.push_back(std::string(perm));
  }
  return {{"user",
           {{"id", p.user_id},
            {"username", p.username},
            {"display_name", p.display_name},
            {"must_change_password", p.must_change_password}}},
          {"roles", roles},
          {"active_role_id", p.active.id},
          {"permissions", perms},
          {"csrf_token", p.csrf_token},
          {"session_expires_in", settings.idle_timeout_ms / 1000}};
}

std::string session_cookie(const std::string& value, long long max_age_s, bool secure) {
  return std::string(kCookie) + "=" + value +
         "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_s) +
         (secure ? "; Secure" : "");
}

std::string string_field(const nlohmann::json& body, const char* key) {
  auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

void add_auth_routes(Router& r, Services& s, const AppSettings& settings) {
  bool secure = settings.secure_cookies;
  r.add({"POST", "/api/v1/auth/login", Access::kPublic, [&s, secure](Context& c) {
           auto body = parse_json_body(c.req);
           if (!body.ok()) return Response::error(body.error());
           auto result = s.auth.login(string_field(*body, "username"),
                                      string_field(*body, "password"), c.req.client_ip);
           if (!result.ok()) return Response::error(result.error());
           auto res = Response::json(200, me_json(result->principal, s.auth.settings(), s.regions));
           res.headers.emplace_back(
               "Set-Cookie",
               session_cookie(result->token, s.auth.settings().absolute_timeout_ms / 1000, secure));
           return res;
         }});
  r.add({"POST", "/api/v1/auth/logout", Access::kSession, [&s, secure](Context& c) {
           (void)s.auth.logout(c.session_token);
           auto res = Response::no_content();
           res.headers.emplace_back("Set-Cookie", session_cookie("", 0, secure));
           return res;
         }});
  r.add({"GET", "/api/v1/auth/me", Access::kSession, [&s](Context& c) {
           return Response::json(200, me_json(*c.principal, s.auth.settings(), s.regions));
         }});
  r.add({"POST", "/api/v1/auth/role", Access::kSession, [&s](Context& c) {
           auto body = parse_json_body(c.req);
           if (!body.ok()) return Response::error(body.error());
           auto id = body->find("role_id");
           if (id == body->end() || !id->is_number_integer()) {
             return Response::error(core::Error::invalid("请选择角色", "role_id"));
           }
           auto p = s.auth.switch_role(c.session_token, id->get<long long>());
           if (!p.ok()) return Response::error(p.error());
           return Response::json(200, me_json(*p, s.auth.settings(), s.regions));
         }});
  r.add({"POST", "/api/v1/auth/password", Access::kSession, [&s](Context& c) {
           auto body = parse_json_body(c.req);
           if (!body.ok()) return Response::error(body.error());
           auto st = s.auth.change_password(*c.principal, string_field(*body, "old_password"),
                                            string_field(*body, "new_password"));
           if (!st.ok()) return Response::error(st.error());
           return Response::no_content();
         }});
}

}  // namespace mingjing::http
