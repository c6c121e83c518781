// mingjing user add|passwd|list
#include <iostream>

#include "auth/auth.h"
#include "cli/commands.h"
#include "regions/regions.h"

namespace mingjing::cli {
namespace {

std::string read_password(std::string given) {
  if (!given.empty()) return given;
  std::cerr << "请输入密码：";
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// ROLE@REGION[:prog1,prog2]
bool parse_role(const std::string& spec, auth::RoleAssignment& out) {
  auto at = spec.find('@');
  if (at == std::string::npos) return false;
  out.role = spec.substr(0, at);
  std::string rest = spec.substr(at + 1);
  auto colon = rest.find(':');
  out.region_code = rest.substr(0, colon);
  if (colon != std::string::npos) {
    std::string progs = rest.substr(colon + 1);
    std::size_t start = 0;
    while (start <= progs.size()) {
      auto comma = progs.find(',', start);
      if (comma == std::string::npos) comma = progs.size();
      if (comma > start) out.programmes.push_back(progs.substr(start, comma - start));
      start = comma + 1;
    }
  }
  return !out.role.empty() && !out.region_code.empty();
}

}  // namespace

int run_user_add(const UserAddOptions& o) {
  auth::NewUser u{o.username, o.display_name, "", {}};
  for (const auto& spec : o.roles) {
    auth::RoleAssignment a;
    if (!parse_role(spec, a)) {
      std::cerr << "错误：角色格式应为 ROLE@REGION[:项目,...]：" << spec << "\n";
      return 2;
    }
    u.roles.push_back(a);
  }
  auto db = open_database(o.db_url);
  if (!db) return 1;
  u.password = read_password(o.password);
  regions::RegionService regions(*db);
  auth::UserService users(*db, regions, auth::Settings{}.password_cost);
  auto created = users.create_system(u, "cli");
  if (!created.ok()) {
    std::cerr << "错误：" << created.error().message << "\n";
    return created.error().code == core::errc::kInternal ? 1 : 2;
  }
  std::cout << "已创建用户 " << created->username << "（id " << created->id << "）\n";
  return 0;
}

int run_user_passwd(const std::string& db_url, const std::string& username, std::string password) {
  auto db = open_database(db_url);
  if (!db) return 1;
  password = read_password(password);
  regions::RegionService regions(*db);
  auth::UserService users(*db, regions, auth::Settings{}.password_cost);
  if (auto st = users.set_password_system(username, password); !st.ok()) {
    std::cerr << "错误：" << st.error().message << "\n";
    return 2;
  }
  std::cout << "已更新用户 " << username << " 的密码\n";
  return 0;
}

int run_user_list(const std::string& db_url) {
  auto db = open_database(db_url);
  if (!db) return 1;
  regions::RegionService regions(*db);
  auth::UserService users(*db, regions, auth::Settings{}.password_cost);
  for (const auto& u : users.list_all()) {
    std::cout << u.id << "\t" << u.username << "\t" << u.display_name << "\t" << u.status;
    for (const auto& r : u.roles) {
      const auth::RoleDef* def = auth::find_role(r.role);
      auto region = regions.get(r.region_code);
      std::cout << "\t" << (def ? def->name : r.role) << "@"
                << (region.ok() ? region->name : r.region_code);
    }
    std::cout << "\n";
  }
  return 0;
}

}  // namespace mingjing::cli
