// The role catalogue: every kind of account DESIGN.md names, the region
// level each role is held at, and its permissions as module:resource:action
// strings (the same strings the web front end's v-perm directive uses).
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "core/region_code.h"

namespace mingjing::auth {

namespace perm {
inline constexpr std::string_view kUserList = "system:user:list";
inline constexpr std::string_view kUserCreate = "system:user:create";
inline constexpr std::string_view kUserUpdate = "system:user:update";
inline constexpr std::string_view kRoleList = "system:role:list";
inline constexpr std::string_view kAuditList = "audit:log:list";
inline constexpr std::string_view kAuditVerify = "audit:log:verify";
inline constexpr std::string_view kRegionRead = "region:region:read";
inline constexpr std::string_view kRegionImport = "region:region:import";
inline constexpr std::string_view kRecordList = "data:record:list";
inline constexpr std::string_view kRecordImport = "data:record:import";
// Warnings: read the queue in the role's scope (departments: their
// programmes); act on the warnings routed to the role's body
// (warnings/warnings.h says which).
inline constexpr std::string_view kWarningList = "warning:warning:list";
inline constexpr std::string_view kWarningHandle = "warning:warning:handle";
// Rule administration (rules/registry.h): read the rules, their versions
// and parameter overrides (everyone who reads warnings); save drafts,
// change statuses, set overrides and backtest (the county discipline
// commission).
inline constexpr std::string_view kRuleList = "rule:rule:list";
inline constexpr std::string_view kRuleEdit = "rule:rule:edit";
}  // namespace perm

struct RoleDef {
  std::string_view code;
  std::string_view name;  // Chinese
  core::RegionLevel level;
  bool needs_programme;  // departments act only on their own programmes
  std::vector<std::string_view> permissions;
};

// All roles, county level first.
std::span<const RoleDef> role_catalogue();
// The role, or nullptr for an unknown code.
const RoleDef* find_role(std::string_view code);
bool role_has(std::string_view role, std::string_view permission);

}  // namespace mingjing::auth
