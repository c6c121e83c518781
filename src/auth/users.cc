// UserService: account administration within the acting role's scope.
#include <algorithm>
#include <set>

#include "auth/auth.h"
#include "db/row.h"
#include "db/soci.h"

namespace mingjing::auth {
namespace {

constexpr const char* kInsertUser =
    "INSERT INTO users (username, display_name, password_hash, status, must_change_password, "
    "created_at, updated_at) VALUES (:u, :d, :p, 'active', :m, :at, :at2) RETURNING id";
constexpr const char* kInsertRole =
    "INSERT INTO user_roles (user_id, role, region_code, programmes) VALUES (:u, :r, :g, :p)";
constexpr const char* kDeleteRoles = "DELETE FROM user_roles WHERE user_id = :u";
constexpr const char* kUpdateUser =
    "UPDATE users SET display_name = :d, status = :s, updated_at = :at WHERE id = :id";
constexpr const char* kResetPassword =
    "UPDATE users SET password_hash = :p, must_change_password = :m, failed_logins = 0, "
    "locked_until = 0, updated_at = :at WHERE id = :id";
constexpr const char* kUnlock =
    "UPDATE users SET failed_logins = 0, locked_until = 0, updated_at = :at WHERE id = :id";
constexpr const char* kDeleteSessions = "DELETE FROM sessions WHERE user_id = :u";
constexpr const char* kUsernameTaken = "SELECT COUNT(*) FROM users WHERE username = :u";
constexpr const char* kAllUserIds = "SELECT id FROM users ORDER BY id";

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += ',';
    out += s;
  }
  return out;
}

bool valid_username(const std::string& s) {
  if (s.size() < 3 || s.size() > 32) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
  });
}

std::size_t utf8_length(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

core::Error no_permission() {
  return core::Error::forbidden("当前角色无权执行此操作");
}
core::Error out_of_scope() {
  return core::Error::forbidden("无权管理该区域的用户");
}

void write_roles(db::Connection& conn, long long user_id,
                 const std::vector<RoleAssignment>& roles) {
  for (const auto& r : roles) {
    std::string programmes = join(r.programmes);
    conn.session() << kInsertRole, soci::use(user_id), soci::use(r.role), soci::use(r.region_code),
        soci::use(programmes);
  }
}

}  // namespace

UserService::UserService(db::Database& db, regions::RegionService& regions, PasswordCost cost)
    : db_(db), regions_(regions), cost_(cost) {}

core::Status UserService::validate(const NewUser& u, bool with_password) {
  if (!valid_username(u.username)) {
    return core::Error::invalid("用户名须为3-32位小写字母、数字、下划线、点或连字符", "username");
  }
  if (u.display_name.empty() || utf8_length(u.display_name) > 32) {
    return core::Error::invalid("姓名不能为空，且不超过32个字", "display_name");
  }
  if (with_password) {
    if (auto st = check_password_policy(u.password, "password"); !st.ok()) return st;
  }
  return {};
}

core::Status UserService::check_assignments(const Principal* who,
                                            const std::vector<RoleAssignment>& roles) {
  if (roles.empty()) return core::Error::invalid("至少需要分配一个角色", "roles");
  if (roles.size() > 20) return core::Error::invalid("角色过多", "roles");
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& r : roles) {
    const RoleDef* def = find_role(r.role);
    if (!def) return core::Error::invalid("未知角色：" + r.role, "roles");
    auto region = regions_.get(r.region_code);
    if (!region.ok()) return core::Error::invalid("区域不存在：" + r.region_code, "roles");
    if (region->level != def->level) {
      return core::Error::invalid(std::string(def->name) + "须在" +
                                      std::string(core::chinese_name(def->level)) + "一级任职",
                                  "roles");
    }
    if (def->needs_programme && r.programmes.empty()) {
      return core::Error::invalid(std::string(def->name) + "须指定负责的项目", "roles");
    }
    if (!def->needs_programme && !r.programmes.empty()) {
      return core::Error::invalid(std::string(def->name) + "不按项目分工，无需指定项目", "roles");
    }
    for (const auto& p : r.programmes) {
      if (p.empty() || p.size() > 32 || p.find(',') != std::string::npos) {
        return core::Error::invalid("项目代码无效：" + p, "roles");
      }
    }
    if (!seen.insert({r.role, r.region_code}).second) {
      return core::Error::invalid("角色重复", "roles");
    }
    if (who && !regions_.within(r.region_code, who->active.region_code)) return out_of_scope();
    // Nobody grants a role that manages accounts at their own level or above
    // unless they hold it there themselves: no self-promotion.
    if (who && def->level <= regions_.get(who->active.region_code)->level &&
        role_has(r.role, perm::kUserCreate) && r.role != who->active.role) {
      return core::Error::forbidden("无权授予该管理角色");
    }
  }
  return {};
}

core::Result<User> UserService::create_impl(const audit::Actor& actor, const NewUser& u) {
  std::string hash = hash_password(u.password, cost_);
  auto conn = db_.connect();
  db::Transaction tx(conn);
  int taken = 0;
  conn.session() << kUsernameTaken, soci::use(u.username), soci::into(taken);
  if (taken) return core::Error::conflict("用户名已存在", "username");
  long long now = db::now_unix_ms(), id = 0;
  // An administrator's initial password is known to two people: force a change.
  int must_change = actor.user_id != 0 ? 1 : 0;
  conn.session() << kInsertUser, soci::use(u.username), soci::use(u.display_name), soci::use(hash),
      soci::use(must_change), soci::use(now), soci::use(now), soci::into(id);
  write_roles(conn, id, u.roles);
  auto stored = load_user(conn, id);
  audit::append(conn,
                {actor, "user.create", "user:" + std::to_string(id), "", "", user_state(*stored)});
  tx.commit();
  note_accounts_changed();
  return *stored;
}

core::Result<User> UserService::create(const Principal& who, const NewUser& u) {
  if (!who.can(perm::kUserCreate)) return no_permission();
  if (auto st = validate(u, true); !st.ok()) return st.error();
  if (auto st = check_assignments(&who, u.roles); !st.ok()) return st.error();
  return create_impl(who.actor(), u);
}

core::Result<User> UserService::create_system(const NewUser& u, const std::string& via) {
  if (auto st = validate(u, true); !st.ok()) return st.error();
  if (auto st = check_assignments(nullptr, u.roles); !st.ok()) return st.error();
  return create_impl({0, via, "system", ""}, u);
}

core::Result<User> UserService::manageable(const Principal& who, long long id,
                                           std::string_view permission) {
  if (!who.can(permission)) return no_permission();
  auto conn = db_.connect();
  auto user = load_user(conn, id);
  if (!user) return core::Error::not_found("用户不存在");
  for (const auto& r : user->roles) {
    if (!regions_.within(r.region_code, who.active.region_code)) return out_of_scope();
  }
  if (user->roles.empty() && id != who.user_id) return out_of_scope();
  return *user;
}

core::Result<User> UserService::get(const Principal& who, long long id) {
  return manageable(who, id, perm::kUserList);
}

core::Result<UserPage> UserService::list(const Principal& who, const UserQuery& q) {
  if (!who.can(perm::kUserList)) return no_permission();
  std::string region = q.region.empty() ? who.active.region_code : q.region;
  if (!regions_.within(region, who.active.region_code)) return out_of_scope();
  // The account table is small (hundreds to a few thousand), and scope is a
  // tree walk, so filter in memory over the cached region tree.
  auto conn = db_.connect();
  std::vector<long long> ids;
  soci::rowset<soci::row> rows = (conn.session().prepare << kAllUserIds);
  for (const soci::row& r : rows) ids.push_back(db::get_int(r, 0));
  std::vector<User> matches;
  for (long long id : ids) {
    auto u = load_user(conn, id);
    if (!u || u->roles.empty()) continue;
    bool all_in_scope = std::all_of(u->roles.begin(), u->roles.end(), [&](const auto& r) {
      return regions_.within(r.region_code, who.active.region_code);
    });
    bool any_in_region = std::any_of(u->roles.begin(), u->roles.end(), [&](const auto& r) {
      return regions_.within(r.region_code, region);
    });
    if (!all_in_scope || !any_in_region) continue;
    if (!q.q.empty() && u->username.find(q.q) == std::string::npos &&
        u->display_name.find(q.q) == std::string::npos) {
      continue;
    }
    matches.push_back(std::move(*u));
  }
  UserPage page;
  page.total = static_cast<long long>(matches.size());
  int size = std::clamp(q.page_size, 1, 200);
  std::size_t from = static_cast<std::size_t>(std::max(q.page, 1) - 1) * size;
  for (std::size_t i = from; i < matches.size() && i < from + size; ++i) {
    page.items.push_back(std::move(matches[i]));
  }
  return page;
}

core::Result<User> UserService::update(const Principal& who, long long id, const UserUpdate& u) {
  auto before = manageable(who, id, perm::kUserUpdate);
  if (!before.ok()) return before.error();
  if (utf8_length(u.display_name) == 0 || utf8_length(u.display_name) > 32) {
    return core::Error::invalid("姓名不能为空，且不超过32个字", "display_name");
  }
  if (u.status != "active" && u.status != "disabled") {
    return core::Error::invalid("状态无效", "status");
  }
  if (id == who.user_id && u.status != "active") {
    return core::Error::invalid("不能停用自己的账号", "status");
  }
  if (auto st = check_assignments(&who, u.roles); !st.ok()) return st.error();
  auto conn = db_.connect();
  db::Transaction tx(conn);
  long long now = db::now_unix_ms();
  conn.session() << kUpdateUser, soci::use(u.display_name), soci::use(u.status), soci::use(now),
      soci::use(id);
  conn.session() << kDeleteRoles, soci::use(id);
  write_roles(conn, id, u.roles);
  // Sessions refer to role ids that no longer exist: make the user log in again.
  conn.session() << kDeleteSessions, soci::use(id);
  auto after = load_user(conn, id);
  audit::append(conn, {who.actor(), "user.update", "user:" + std::to_string(id), "",
                       user_state(*before), user_state(*after)});
  tx.commit();
  note_accounts_changed();
  return *after;
}

core::Status UserService::reset_password(const Principal& who, long long id,
                                         const std::string& password) {
  auto target = manageable(who, id, perm::kUserUpdate);
  if (!target.ok()) return target.error();
  if (auto st = check_password_policy(password, "password"); !st.ok()) return st;
  std::string hash = hash_password(password, cost_);
  auto conn = db_.connect();
  db::Transaction tx(conn);
  long long now = db::now_unix_ms();
  int must_change = 1;
  conn.session() << kResetPassword, soci::use(hash), soci::use(must_change), soci::use(now),
      soci::use(id);
  conn.session() << kDeleteSessions, soci::use(id);
  audit::append(conn,
                {who.actor(), "user.reset_password", "user:" + std::to_string(id), "", "", ""});
  tx.commit();
  note_accounts_changed();
  return {};
}

core::Status UserService::unlock(const Principal& who, long long id) {
  auto target = manageable(who, id, perm::kUserUpdate);
  if (!target.ok()) return target.error();
  auto conn = db_.connect();
  db::Transaction tx(conn);
  long long now = db::now_unix_ms();
  conn.session() << kUnlock, soci::use(now), soci::use(id);
  audit::append(conn, {who.actor(), "user.unlock", "user:" + std::to_string(id), "", "", ""});
  tx.commit();
  note_accounts_changed();
  return {};
}

core::Status UserService::set_password_system(const std::string& username,
                                              const std::string& password) {
  if (auto st = check_password_policy(password, "password"); !st.ok()) return st;
  auto conn = db_.connect();
  auto user = load_user_by_name(conn, username);
  if (!user) return core::Error::not_found("用户不存在：" + username);
  std::string hash = hash_password(password, cost_);
  db::Transaction tx(conn);
  long long now = db::now_unix_ms();
  int must_change = 0;
  conn.session() << kResetPassword, soci::use(hash), soci::use(must_change), soci::use(now),
      soci::use(user->id);
  conn.session() << kDeleteSessions, soci::use(user->id);
  audit::append(conn, {{0, "cli", "system", ""},
                       "user.reset_password",
                       "user:" + std::to_string(user->id),
                       "",
                       "",
                       ""});
  tx.commit();
  note_accounts_changed();
  return {};
}

std::vector<User> UserService::list_all() {
  auto conn = db_.connect();
  std::vector<long long> ids;
  soci::rowset<soci::row> rows = (conn.session().prepare << kAllUserIds);
  for (const soci::row& r : rows) ids.push_back(db::get_int(r, 0));
  std::vector<User> out;
  for (long long id : ids) {
    if (auto u = load_user(conn, id)) out.push_back(std::move(*u));
  }
  return out;
}

}  // namespace mingjing::auth
