// /api/v1/users and /api/v1/roles: account administration.
#include <nlohmann/json.hpp>

#include "http/app.h"

namespace mingjing::http {
namespace {

std::string str(const nlohmann::json& body, const char* key) {
  auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

core::Result<std::vector<auth::RoleAssignment>> parse_roles(const nlohmann::json& body) {
  auto it = body.find("roles");
  if (it == body.end() || !it->is_array()) return core::Error::invalid("请分配角色", "roles");
  std::vector<auth::RoleAssignment> out;
  for (const auto& item : *it) {
    if (!item.is_object()) return core::Error::invalid("角色格式不正确", "roles");
    auth::RoleAssignment a;
    a.role = str(item, "role");
    a.region_code = str(item, "region_code");
    if (auto p = item.find("programmes"); p != item.end()) {
      if (!p->is_array()) return core::Error::invalid("项目格式不正确", "roles");
      for (const auto& code : *p) {
        if (!code.is_string()) return core::Error::invalid("项目格式不正确", "roles");
        a.programmes.push_back(code.get<std::string>());
      }
    }
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace

void add_user_routes(Router& r, Services& s) {
  r.add({"GET", "/api/v1/roles", Access::kSession, [](Context& c) {
           if (!c.principal->can(auth::perm::kRoleList)) {
             return Response::error(core::Error::forbidden("当前角色无权执行此操作"));
           }
           nlohmann::json items = nlohmann::json::array();
           for (const auto& def : auth::role_catalogue()) {
             nlohmann::json perms = nlohmann::json::array();
             for (auto p : def.permissions) perms.push_back(std::string(p));
             items.push_back({{"code", std::string(def.code)},
                              {"name", std::string(def.name)},
                              {"level", std::string(core::to_string(def.level))},
                              {"needs_programme", def.needs_programme},
                              {"permissions", perms}});
           }
           return Response::json(200, {{"items", items}});
         }});
  r.add({"GET", "/api/v1/users", Access::kSession, [&s](Context& c) {
           auth::UserQuery q;
           q.q = c.req.query_or("q", "");
           q.region = c.req.query_or("region", "");
           q.page = query_int(c.req, "page", 1, 1, 100000);
           q.page_size = query_int(c.req, "page_size", 20, 1, 200);
           auto page = s.users.list(*c.principal, q);
           if (!page.ok()) return Response::error(page.error());
           nlohmann::json items = nlohmann::json::array();
           for (const auto& u : page->items) items.push_back(user_json(u, s.regions));
           return Response::json(200, {{"items", items}, {"total", page->total}});
         }});
  r.add({"POST", "/api/v1/users", Access::kSession, [&s](Context& c) {
           auto body = parse_json_body(c.req);
           if (!body.ok()) return Response::error(body.error());
           auto roles = parse_roles(*body);
           if (!roles.ok()) return Response::error(roles.error());
           auth::NewUser u{str(*body, "username"), str(*body, "display_name"),
                           str(*body, "password"), std::move(roles.value())};
           auto created = s.users.create(*c.principal, u);
           if (!created.ok()) return Response::error(created.error());
           return Response::json(201, user_json(*created, s.regions));
         }});
  r.add({"GET", "/api/v1/users/:id", Access::kSession, [&s](Context& c) {
           auto id = param_id(c.req, "id");
           if (!id.ok()) return Response::error(id.error());
           auto u = s.users.get(*c.principal, *id);
           if (!u.ok()) return Response::error(u.error());
           return Response::json(200, user_json(*u, s.regions));
         }});
  r.add({"PUT", "/api/v1/users/:id", Access::kSession, [&s](Context& c) {
           auto id = param_id(c.req, "id");
           if (!id.ok()) return Response::error(id.error());
           auto body = parse_json_body(c.req);
           if (!body.ok()) return Response::error(body.error());
           auto roles = parse_roles(*body);
           if (!roles.ok()) return Response::error(roles.error());
           auth::UserUpdate u{str(*body, "display_name"), str(*body, "status"),
                              std::move(roles.value())};
           auto updated = s.users.update(*c.principal, *id, u);
           if (!updated.ok()) return Response::error(updated.error());
           return Response::json(200, user_json(*updated, s.regions));
         }});
  r.add({"POST", "/api/v1/users/:id/password", Access::kSession, [&s](Context& c) {
           auto id = param_id(c.req, "id");
           if (!id.ok()) return Response::error(id.error());
           auto body = parse_json_body(c.req);
           if (!body.ok()) return Response::error(body.error());
           auto st = s.users.reset_password(*c.principal, *id, str(*body, "password"));
           if (!st.ok()) return Response::error(st.error());
           return Response::no_content();
         }});
  r.add({"POST", "/api/v1/users/:id/unlock", Access::kSession, [&s](Context& c) {
           auto id = param_id(c.req, "id");
           if (!id.ok()) return Response::error(id.error());
           auto st = s.users.unlock(*c.principal, *id);
           if (!st.ok()) return Response::error(st.error());
           return Response::no_content();
         }});
}

}  // namespace mingjing::http
