// Where warnings go: the body a new warning is routed to, the level above
// it for escalation, the accounts of a body, and the categories.
#include <algorithm>
#include <cctype>

#include "core/region_code.h"
#include "warnings/internal.h"

namespace mingjing::warnings {
namespace {

struct CategoryDef {
  char letter;
  const char* name;
};
// The catalogue's letters (../shared/spec/rules-catalogue.md).
constexpr CategoryDef kCategories[] = {
    {'P', "projects"}, {'F', "finance"},   {'A', "assets"},     {'S', "subsidies"},
    {'L', "labor"},    {'D', "procedure"}, {'E', "efficiency"},
};

}  // namespace

std::optional<std::string> category_of(std::string_view letter_or_name) {
  for (const auto& c : kCategories) {
    if (letter_or_name == c.name) return std::string(c.name);
    if (letter_or_name.size() == 1 &&
        std::toupper(static_cast<unsigned char>(letter_or_name[0])) == c.letter) {
      return std::string(c.name);
    }
  }
  return std::nullopt;
}

const std::vector<std::string>& categories() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& c : kCategories) out.emplace_back(c.name);
    return out;
  }();
  return names;
}

namespace internal {

namespace {

// The ancestor of `code` at `level` (or the code itself), walking up the
// code's structure; empty if there is none.
std::string ancestor_at(const std::string& code, core::RegionLevel level) {
  auto parsed = core::RegionCode::parse(code);
  if (!parsed.ok()) return "";
  std::optional<core::RegionCode> at = *parsed;
  while (at && at->level() > level) at = at->parent();
  return at && at->level() == level ? at->str() : "";
}

}  // namespace

std::string town_of(const std::string& region_code) {
  return ancestor_at(region_code, core::RegionLevel::town);
}

std::string county_of(const std::string& region_code) {
  std::string county = ancestor_at(region_code, core::RegionLevel::county);
  // A city without counties (东莞, 中山) plays the county's part.
  return county.empty() ? ancestor_at(region_code, core::RegionLevel::city) : county;
}

bool is_body(const std::string& name) {
  return name == body::kVillage || name == body::kDepartment || name == body::kTownDiscipline ||
         name == body::kCountyDiscipline;
}

int level_of(const std::string& body) {
  if (body == body::kTownDiscipline) return 1;
  if (body == body::kCountyDiscipline) return 2;
  return 0;
}

core::Result<RoutedTo> initial_routing(const std::string& rule_body, const std::string& severity,
                                       const std::string& region_code,
                                       const std::string& programme) {
  if (!is_body(rule_body)) {
    return core::Error::invalid("未知的预警接收单位：" + rule_body, "body");
  }
  const std::string town = town_of(region_code), county = county_of(region_code);
  RoutedTo to{rule_body, "", rule_body == body::kDepartment ? programme : ""};
  auto parsed = core::RegionCode::parse(region_code);
  const bool village = parsed.ok() && parsed->level() == core::RegionLevel::village;
  // Red is pushed straight to the town discipline commission; a village rule
  // about a town, or a department rule without a programme, has no body of
  // its own and goes to the level above it.
  if (to.body == body::kVillage && (severity == "red" || !village)) to.body = body::kTownDiscipline;
  if (to.body == body::kDepartment && severity == "red") to.body = body::kTownDiscipline;
  if (to.body == body::kDepartment && programme.empty()) to.body = body::kCountyDiscipline;
  if (to.body == body::kTownDiscipline && town.empty()) to.body = body::kCountyDiscipline;

  if (to.body == body::kVillage) to.region_code = region_code;
  if (to.body == body::kTownDiscipline) to.region_code = town;
  if (to.body == body::kDepartment || to.body == body::kCountyDiscipline) to.region_code = county;
  if (to.region_code.empty())
    return core::Error::invalid("预警所属区划无效：" + region_code, "region_code");
  // A department case keeps its programme wherever it goes, so the
  // department still sees it.
  if (rule_body == body::kDepartment) to.programme = programme;
  return to;
}

std::optional<RoutedTo> next_level(const RoutedTo& from) {
  if (from.body == body::kVillage) {
    std::string town = town_of(from.region_code);
    if (!town.empty()) return RoutedTo{body::kTownDiscipline, town, from.programme};
  }
  if (from.body == body::kCountyDiscipline) return std::nullopt;
  std::string county = county_of(from.region_code);
  if (county.empty()) return std::nullopt;
  return RoutedTo{body::kCountyDiscipline, county, from.programme};
}

notify::Body members_of(const RoutedTo& to) {
  if (to.body == body::kVillage) {
    return {{"village_secretary", "village_director", "supervision_director"}, to.region_code, ""};
  }
  if (to.body == body::kDepartment) return {{"county_department"}, to.region_code, to.programme};
  return {{to.body}, to.region_code, ""};  // the discipline commissions' role codes
}

std::string body_label(db::Connection& conn, const RoutedTo& to) {
  std::string place = region_name(conn, to.region_code);
  if (to.body == body::kVillage) return place + "村级组织";
  if (to.body == body::kTownDiscipline) return place + "纪委";
  if (to.body == body::kCountyDiscipline) return place + "纪委监委";
  return place + "主管部门（" + to.programme + "）";
}

}  // namespace internal
}  // namespace mingjing::warnings
