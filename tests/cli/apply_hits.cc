// Test helper: stores one rule's hits as warnings through
// WarningStore::apply, as a rule run will, so the command-line tests have
// warnings to export before `mingjing rules run` exists.
//   apply_hits DB_URL RULE_ID BODY DEADLINE_WORKDAYS AS_OF < hits.jsonl
// One hit per line: {"rule_id","rule_version","severity","dedup_key",
// "region_code","subjects":[{"dataset","record_key"}],"explanation",
// "evidence":{..},"params":[{"name","value","source"}],"programme"}.
// Prints the ApplyResult as JSON; exit 1 on any failure.
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "core/clock.h"
#include "core/workday_calendar.h"
#include "db/database.h"
#include "warnings/warnings.h"

using namespace mingjing;

int main(int argc, char** argv) {
  if (argc != 6) {
    std::cerr << "usage: apply_hits DB_URL RULE_ID BODY DEADLINE_WORKDAYS AS_OF < hits.jsonl\n";
    return 1;
  }
  auto db = db::Database::open({.url = argv[1], .pool_size = 2});
  if (!db.ok() || !(*db)->migrate().ok()) {
    std::cerr << "cannot open " << argv[1] << "\n";
    return 1;
  }
  auto as_of = core::Date::parse(argv[5]);
  if (!as_of.ok()) {
    std::cerr << as_of.error().message << "\n";
    return 1;
  }
  warnings::RuleRouting rule;
  rule.rule_id = argv[2];
  rule.body = argv[3];
  rule.deadline_workdays = std::stoi(argv[4]);
  std::vector<warnings::Hit> hits;
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line);
    warnings::Hit h;
    h.rule_id = j.value("rule_id", rule.rule_id);
    h.rule_version = j.value("rule_version", 1);
    h.severity = j.value("severity", "yellow");
    h.dedup_key = j.at("dedup_key").get<std::string>();
    h.region_code = j.at("region_code").get<std::string>();
    for (const auto& s : j.value("subjects", nlohmann::json::array())) {
      h.subjects.push_back(
          {s.at("dataset").get<std::string>(), s.at("record_key").get<std::string>()});
    }
    h.explanation = j.value("explanation", "");
    h.evidence = j.value("evidence", nlohmann::json::object());
    for (const auto& p : j.value("params", nlohmann::json::array())) {
      h.params.push_back(
          {p.at("name").get<std::string>(), p.at("value"), p.value("source", "default")});
    }
    h.programme = j.value("programme", "");
    hits.push_back(std::move(h));
  }
  // The run happens on its as-of day, so deadlines count from that day.
  core::FixedClock clock(core::DateTime::from_local(*as_of));
  warnings::WarningStore store(**db, core::WorkdayCalendar::builtin(), clock);
  auto r = store.apply(rule, warnings::ApplyScope::all(), hits, *as_of);
  if (!r.ok()) {
    std::cerr << r.error().message << "\n";
    return 1;
  }
  std::cout << nlohmann::json{{"created", r->created},     {"refreshed", r->refreshed},
                              {"unchanged", r->unchanged}, {"suppressed", r->suppressed},
                              {"ignored", r->ignored},     {"open", r->open}}
                   .dump()
            << "\n";
  return 0;
}
