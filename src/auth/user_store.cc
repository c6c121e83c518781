// Shared reads of users and their role assignments.
#include <nlohmann/json.hpp>

#include "auth/auth.h"
#include "db/row.h"
#include "db/soci.h"

namespace mingjing::auth {
namespace {

constexpr const char* kSelectUserById =
    "SELECT id, username, display_name, status, must_change_password, locked_until, created_at, "
    "last_login_at FROM users WHERE id = :id";
constexpr const char* kSelectUserByName =
    "SELECT id, username, display_name, status, must_change_password, locked_until, created_at, "
    "last_login_at FROM users WHERE username = :u";
constexpr const char* kSelectRoles =
    "SELECT id, role, region_code, programmes FROM user_roles WHERE user_id = :id ORDER BY id";

std::vector<std::string> split_programmes(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::optional<User> load(db::Connection& conn, const char* sql, const std::string& key,
                         long long id) {
  soci::rowset<soci::row> rows = key.empty() ? (conn.session().prepare << sql, soci::use(id))
                                             : (conn.session().prepare << sql, soci::use(key));
  std::optional<User> out;
  for (const soci::row& r : rows) {
    User u;
    u.id = db::get_int(r, 0);
    u.username = db::get_text(r, 1);
    u.display_name = db::get_text(r, 2);
    u.status = db::get_text(r, 3);
    u.must_change_password = db::get_int(r, 4) != 0;
    u.locked = db::get_int(r, 5) > db::now_unix_ms();
    u.created_at = db::get_int(r, 6);
    if (!db::is_null(r, 7)) u.last_login_at = db::get_int(r, 7);
    out = std::move(u);
  }
  if (!out) return out;
  soci::rowset<soci::row> roles = (conn.session().prepare << kSelectRoles, soci::use(out->id));
  for (const soci::row& r : roles) {
    out->roles.push_back({db::get_int(r, 0), db::get_text(r, 1), db::get_text(r, 2),
                          split_programmes(db::get_text(r, 3))});
  }
  return out;
}

}  // namespace

std::optional<User> load_user(db::Connection& conn, long long id) {
  return load(conn, kSelectUserById, "", id);
}

std::optional<User> load_user_by_name(db::Connection& conn, const std::string& username) {
  if (username.empty()) return std::nullopt;
  return load(conn, kSelectUserByName, username, 0);
}

std::string user_state(const User& u) {
  nlohmann::json roles = nlohmann::json::array();
  for (const auto& r : u.roles) {
    roles.push_back(
        {{"role", r.role}, {"region_code", r.region_code}, {"programmes", r.programmes}});
  }
  return nlohmann::json{{"id", u.id},
                        {"username", u.username},
                        {"display_name", u.display_name},
                        {"status", u.status},
                        {"roles", roles}}
      .dump();
}

}  // namespace mingjing::auth
