// Shared by registry.cc and backtest.cc; not part of the module's API.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "rules/registry.h"
#include "rules/rule_def.h"

namespace mingjing::rules::internal {

// How a stored version names itself in error messages: "F01@v2".
std::string rule_file_name(const std::string& rule_id, int version);

// The rule compiles against the catalogue (expressions, datasets,
// columns); invalid_argument (field "yaml") naming line and column if not.
core::Status compiles(const RuleDef& rule);

// `stored` overrides of rule.id typed by the rule's parameters; the others
// (unknown parameter, a value that does not fit) are left out and logged.
std::vector<ParamOverride> typed_overrides(const RuleDef& rule,
                                           const std::vector<StoredOverride>& stored);

}  // namespace mingjing::rules::internal
