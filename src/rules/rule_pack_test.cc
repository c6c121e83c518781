// The rule pack compiled into the program (rules/*.yaml): every file loads,
// every rule compiles against the catalogue's tables, and every embedded
// case passes, so a rule whose cases fail cannot ship.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/workday_calendar.h"
#include "rules/engine.h"

namespace mingjing::rules {
namespace {

TEST(RulePack, EveryRuleLoadsCompilesAndPassesItsCases) {
  auto rules = builtin_rules();
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  ASSERT_GE(rules->size(), 10u);
  FactStore facts = FactStore::empty();
  auto engine = Engine::compile(*rules, facts, {}, core::WorkdayCalendar::builtin());
  ASSERT_TRUE(engine.ok()) << engine.error().message;
  EXPECT_EQ(engine->size(), rules->size());
  for (const auto& rule : *rules) {
    // A rule shows it fires and that it holds back: at least one case with
    // hits and one without.
    bool fires = false, quiet = false;
    for (const auto& t : rule.tests) (t.expect.empty() ? quiet : fires) = true;
    EXPECT_TRUE(fires && quiet) << rule.id << ": cases should include a hit and a near miss";
    // The catalogue's convention: red goes straight to a discipline
    // commission, yellow first to the village body or the department.
    const bool commission =
        rule.routing == Routing::town_discipline || rule.routing == Routing::county_discipline;
    EXPECT_EQ(commission, rule.severity == Severity::red)
        << rule.id << ": " << to_string(rule.severity) << " routed to " << to_string(rule.routing);
    for (const auto& failure : run_rule_tests(rule, core::WorkdayCalendar::builtin())) {
      ADD_FAILURE() << failure;
    }
  }
}

// rules/README.md lists every rule of the pack in its table.
TEST(RulePack, TheReadmeListsEveryRule) {
  std::ifstream in(MINGJING_SOURCE_DIR "/rules/README.md");
  std::stringstream text;
  text << in.rdbuf();
  auto rules = builtin_rules();
  ASSERT_TRUE(rules.ok());
  for (const auto& rule : *rules) {
    EXPECT_NE(text.str().find("| " + rule.id + " | " + rule.title + " |"), std::string::npos)
        << rule.id << " is missing from rules/README.md";
  }
}

TEST(RulePack, TheCompiledInPackIsTheRulesFolder) {
  std::set<std::string> compiled, folder;
  for (const auto& f : embedded_rule_files()) compiled.insert(f.name);
  for (const auto& e : std::filesystem::directory_iterator(MINGJING_SOURCE_DIR "/rules")) {
    if (e.path().extension() == ".yaml") folder.insert("rules/" + e.path().filename().string());
  }
  EXPECT_EQ(compiled, folder);
  auto from_folder = load_rules(MINGJING_SOURCE_DIR "/rules");
  ASSERT_TRUE(from_folder.ok()) << from_folder.error().message;
  EXPECT_EQ(from_folder->size(), compiled.size());
}

}  // namespace
}  // namespace mingjing::rules
