// Who may read and who may act on a warning (the rules are in warnings.h).
#include <algorithm>

#include "auth/roles.h"
#include "core/region_code.h"
#include "warnings/internal.h"

namespace mingjing::warnings {

Actor Actor::system(std::string name) {
  return {0, std::move(name), "system", "", {}};
}

namespace internal {
namespace {

bool lists(const std::vector<std::string>& programmes, const std::string& programme) {
  return !programme.empty() &&
         std::find(programmes.begin(), programmes.end(), programme) != programmes.end();
}

bool is_village_body_role(const std::string& role) {
  return role == "village_secretary" || role == "village_director" ||
         role == "supervision_director";
}

}  // namespace

bool within(const std::string& code, const std::string& root) {
  auto c = core::RegionCode::parse(code);
  auto r = core::RegionCode::parse(root);
  return c.ok() && r.ok() && r->contains(*c);
}

core::Result<ReadScope> read_scope(const Actor& who) {
  ReadScope scope;
  if (who.is_system()) {
    scope.everything = true;
    return scope;
  }
  if (!auth::role_has(who.role, auth::perm::kWarningList)) {
    return core::Error::forbidden("当前角色无权查看预警");
  }
  auto root = core::RegionCode::parse(who.region_code);
  if (!root.ok()) return core::Error::forbidden("当前角色没有有效的管辖区域");
  scope.region_prefix = root->prefix();
  if (const auth::RoleDef* def = auth::find_role(who.role); def && def->needs_programme) {
    if (who.programmes.empty()) return core::Error::forbidden("当前角色未分配项目");
    scope.programmes = who.programmes;
  }
  return scope;
}

void restrict(Where& where, const ReadScope& scope) {
  if (scope.everything) return;
  where.add("w.region_code LIKE " + where.bind(scope.region_prefix + "%"));
  if (!scope.programmes.empty()) {
    std::string in;
    for (const auto& p : scope.programmes) in += (in.empty() ? "" : ", ") + where.bind(p);
    where.add("w.programme IN (" + in + ")");
  }
}

bool can_read(const Actor& who, const Warning& w) {
  if (who.is_system()) return true;
  auto scope = read_scope(who);
  if (!scope.ok() || !within(w.region_code, who.region_code)) return false;
  return scope->programmes.empty() || lists(scope->programmes, w.routed_to.programme);
}

bool can_handle(const Actor& who, const Warning& w) {
  if (who.is_system()) return true;
  if (!auth::role_has(who.role, auth::perm::kWarningHandle) || !can_read(who, w)) return false;
  const RoutedTo& to = w.routed_to;
  if (who.role == "county_discipline") return true;  // everything in its county
  if (who.role == "town_discipline") {
    // Its own cases, and the village bodies' cases in its town it oversees.
    return (to.body == body::kTownDiscipline && to.region_code == who.region_code) ||
           (to.body == body::kVillage && within(to.region_code, who.region_code));
  }
  if (who.role == "county_department") {
    return to.body == body::kDepartment && lists(who.programmes, to.programme);
  }
  if (is_village_body_role(who.role)) {
    return to.body == body::kVillage && to.region_code == who.region_code;
  }
  return false;
}

bool can_judge(const Actor& who, const Warning& w) {
  if (who.is_system()) return true;
  return (who.role == "county_discipline" || who.role == "town_discipline" ||
          who.role == "county_department") &&
         can_handle(who, w);
}

}  // namespace internal
}  // namespace mingjing::warnings
