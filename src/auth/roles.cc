#include "auth/roles.h"

#include <algorithm>

namespace mingjing::auth {
namespace {

using core::RegionLevel;

const std::vector<RoleDef>& catalogue() {
  // Administrators manage accounts in their subtree; discipline bodies read
  // everything in theirs, including the audit trail; everyone reads regions.
  // Business records: those who keep, approve or oversee them. County
  // departments see and load only their programmes' subsidies; committee
  // members and information officers see what the village discloses.
  // Importing: the system administrator (county registries), departments
  // (their subsidies), town administrators and agencies and village
  // bookkeepers (within their region). Warnings: read by the discipline
  // bodies, leaders, departments (their programmes) and the village bodies
  // that receive them; handled by the bodies warnings are routed to
  // (village secretary, director and supervision director; departments;
  // town and county discipline commissions). Rules: read by everyone who
  // reads warnings, changed by the county discipline commission.
  static const std::vector<RoleDef> roles = {
      {"sys_admin",
       "系统管理员",
       RegionLevel::county,
       false,
       {perm::kUserList, perm::kUserCreate, perm::kUserUpdate, perm::kRoleList, perm::kAuditList,
        perm::kAuditVerify, perm::kRegionRead, perm::kRegionImport, perm::kRecordList,
        perm::kRecordImport}},
      {"county_discipline",
       "县纪委监委",
       RegionLevel::county,
       false,
       {perm::kRoleList, perm::kAuditList, perm::kAuditVerify, perm::kRegionRead, perm::kRecordList,
        perm::kWarningList, perm::kRuleList, perm::kWarningHandle, perm::kRuleEdit}},
      {"county_department",
       "县级部门",
       RegionLevel::county,
       true,
       {perm::kRegionRead, perm::kRecordList, perm::kRecordImport, perm::kWarningList,
        perm::kRuleList, perm::kWarningHandle}},
      {"county_leader",
       "县级领导",
       RegionLevel::county,
       false,
       {perm::kRegionRead, perm::kRecordList, perm::kWarningList, perm::kRuleList}},
      {"town_admin",
       "乡镇管理员",
       RegionLevel::town,
       false,
       {perm::kUserList, perm::kUserCreate, perm::kUserUpdate, perm::kRoleList, perm::kAuditList,
        perm::kRegionRead, perm::kRecordList, perm::kRecordImport}},
      {"town_discipline",
       "镇纪委",
       RegionLevel::town,
       false,
       {perm::kRoleList, perm::kAuditList, perm::kRegionRead, perm::kRecordList, perm::kWarningList,
        perm::kRuleList, perm::kWarningHandle}},
      {"town_agency",
       "三资代理中心",
       RegionLevel::town,
       false,
       {perm::kRegionRead, perm::kRecordList, perm::kRecordImport}},
      {"town_leader",
       "乡镇领导",
       RegionLevel::town,
       false,
       {perm::kRegionRead, perm::kRecordList, perm::kWarningList, perm::kRuleList}},
      {"village_secretary",
       "村党组织书记",
       RegionLevel::village,
       false,
       {perm::kRegionRead, perm::kRecordList, perm::kWarningList, perm::kRuleList,
        perm::kWarningHandle}},
      {"village_director",
       "村委会主任",
       RegionLevel::village,
       false,
       {perm::kRegionRead, perm::kRecordList, perm::kWarningList, perm::kRuleList,
        perm::kWarningHandle}},
      {"village_member", "两委委员", RegionLevel::village, false, {perm::kRegionRead}},
      {"village_bookkeeper",
       "报账员",
       RegionLevel::village,
       false,
       {perm::kRegionRead, perm::kRecordList, perm::kRecordImport}},
      {"supervision_director",
       "村监委会主任",
       RegionLevel::village,
       false,
       {perm::kRegionRead, perm::kRecordList, perm::kWarningList, perm::kRuleList,
        perm::kWarningHandle}},
      {"supervision_member",
       "村监委会委员",
       RegionLevel::village,
       false,
       {perm::kRegionRead, perm::kRecordList, perm::kWarningList, perm::kRuleList}},
      {"info_officer", "信息员", RegionLevel::village, false, {perm::kRegionRead}},
  };
  return roles;
}

}  // namespace

std::span<const RoleDef> role_catalogue() {
  return catalogue();
}

const RoleDef* find_role(std::string_view code) {
  for (const RoleDef& r : catalogue()) {
    if (r.code == code) return &r;
  }
  return nullptr;
}

bool role_has(std::string_view role, std::string_view permission) {
  const RoleDef* r = find_role(role);
  return r && std::find(r->permissions.begin(), r->permissions.end(), permission) !=
                  r->permissions.end();
}

}  // namespace mingjing::auth
