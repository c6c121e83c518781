// Engine features beyond the five plain shapes: a window rule whose rows
// are filtered through a join (P04: bids of projects with a competitive
// method), an outlier flagged only among the groups whose second figure is
// at the top (P14, cardinal R025), and the derived dataset `warnings`
// (D07, E03): not importable, loaded from the warnings table, and read by
// rules that never see the warnings of a rule that reads warnings.
#include <gtest/gtest.h>

#include <map>

#include "core/workday_calendar.h"
#include "db/soci.h"
#include "imports/validate.h"
#include "privacy/privacy.h"
#include "rules/engine.h"
#include "support/test_db.h"

namespace mingjing::rules {
namespace {

const core::WorkdayCalendar& calendar() {
  return core::WorkdayCalendar::builtin();
}

RuleDef parsed(const std::string& yaml) {
  auto r = parse_rule(yaml, "test.yaml");
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? *r : RuleDef{};
}

void expect_cases_pass(const std::string& yaml) {
  for (const auto& f : run_rule_tests(parsed(yaml), calendar())) ADD_FAILURE() << f;
}

void load(FactStore& facts, const std::string& dataset,
          const std::vector<std::map<std::string, std::string>>& rows) {
  privacy::Vault vault = privacy::Vault::from_key({});
  const auto* spec = find_fact_dataset(dataset);
  ASSERT_NE(spec, nullptr);
  for (const auto& row : rows) {
    std::vector<std::string> header, cells;
    for (const auto& [k, v] : row) {
      header.push_back(k);
      cells.push_back(v);
    }
    auto parsed_row = imports::parse_row(*spec, *imports::map_header(*spec, header), cells, 2);
    ASSERT_TRUE(parsed_row.ok()) << parsed_row.errors.front().reason;
    ASSERT_TRUE(facts.upsert(*spec, parsed_row.values, vault).ok());
  }
}

// A window rule with a join: a bid enters its project's group only when the
// project's method is competitive; a project of unknown method is not
// evaluated, not passed.
const char* kSingleBid = R"(id: P04
status: active
title: 只有一家投标
category: projects
severity: yellow
basis: 单一投标
routing: village
shape: window
from: bids as b
join:
  - {dataset: projects, as: p, on: "b.project_id == p.id"}
where: p.method in ['open_tender', 'invited_tender']
group: [b.project_id]
having: count() == 1
explain: "{latest.project_id}只有一份投标"
tests:
  - name: 公开招标一份投标；询价一份与公开招标两份不算
    data:
      projects:
        - {id: G1, village_code: 330782001001, name: 甲, category: works, estimated_amount: 300000, method: open_tender}
        - {id: G2, village_code: 330782001001, name: 乙, category: works, estimated_amount: 300000, method: inquiry}
        - {id: G3, village_code: 330782001001, name: 丙, category: works, estimated_amount: 300000, method: invited_tender}
      bids:
        - {project_id: G1, bidder_uscc: 91350100M000100Y43, amount: 1, submitted_at: 2025-03-01 09:00, status: winner}
        - {project_id: G2, bidder_uscc: 91350100M000100Y43, amount: 1, submitted_at: 2025-03-01 09:00, status: winner}
        - {project_id: G3, bidder_uscc: 91350100M000100Y43, amount: 1, submitted_at: 2025-03-01 09:00, status: winner}
        - {project_id: G3, bidder_uscc: 91330782MA2HX1K07M, amount: 2, submitted_at: 2025-03-01 09:00, status: valid}
    expect: [[bids:G1|91350100M000100Y43]]
  - name: 无
    data: {}
    expect: []
)";

TEST(EngineWindowJoin, AJoinFiltersTheRowsOfAWindowRule) {
  expect_cases_pass(kSingleBid);
}

TEST(EngineWindowJoin, ARowWhoseJoinCannotBeJudgedIsNotEvaluated) {
  FactStore facts = FactStore::empty();
  load(facts, "projects",
       {{{"id", "G1"},
         {"village_code", "330782001001"},
         {"name", "甲"},
         {"category", "works"},
         {"estimated_amount", "300000"},
         {"method", "open_tender"}}});
  // The project has no publication date: the bid's where cannot be judged.
  load(facts, "bids",
       {{{"project_id", "G1"},
         {"bidder_uscc", "91350100M000100Y43"},
         {"amount", "1"},
         {"submitted_at", "2025-03-01 09:00"},
         {"status", "valid"}}});
  std::string yaml = kSingleBid;
  yaml.replace(yaml.find("where: p.method in"), std::string("where: p.method in").size(),
               "where: p.tender_published_at < b.submitted_at and p.method in");
  std::vector<RuleDef> rules = {parsed(yaml)};
  auto engine = Engine::compile(rules, facts, {}, calendar());
  ASSERT_TRUE(engine.ok()) << engine.error().message;
  auto runs = engine->run(facts, 20000);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_TRUE(runs[0].hits.empty());
  ASSERT_FALSE(runs[0].not_evaluated.empty());
  EXPECT_EQ(runs[0].not_evaluated[0].region_code, "330782001001");
  EXPECT_EQ(runs[0].not_evaluated[0].records, 1u);
}

// outlier.top: five bidders win one of two bids; a sixth bids on every
// project and never wins. The fences are over all six; only a bidder whose
// bid count reaches the 75th percentile may be flagged.
std::string cover_bidder_rule(int loser_bids) {
  const char* winners[] = {"91330782MA2P00010W", "91330782MA2P00020X", "91330782MA2P00030Y",
                           "91330782MA2P000400", "91330782MA2P000501"};
  std::string bids;
  for (int i = 0; i < 5; ++i) {
    std::string g = "G" + std::to_string(i + 1);
    bids += "        - {project_id: " + g + ", bidder_uscc: " + winners[i] +
            ", amount: 1, submitted_at: 2025-03-01 09:00, status: winner}\n";
    bids += "        - {project_id: " + g + ", bidder_uscc: " + winners[(i + 1) % 5] +
            ", amount: 2, submitted_at: 2025-03-01 09:00, status: valid}\n";
    if (i < loser_bids) {
      bids += "        - {project_id: " + g +
              ", bidder_uscc: 91350100M000100Y43, amount: 3, submitted_at: 2025-03-01 09:00, "
              "status: valid}\n";
    }
  }
  std::string expect = "[]";
  if (loser_bids == 5) {
    expect = "[[";
    for (int i = 0; i < 5; ++i) {
      expect +=
          std::string(i ? ", " : "") + "bids:G" + std::to_string(i + 1) + "|91350100M000100Y43";
    }
    expect += "]]";
  }
  return std::string(R"yaml(id: P14
status: active
title: 陪标
category: projects
severity: yellow
basis: R025
routing: village
shape: window
from: bids as b
group: [b.bidder_uscc]
having: count() >= 1
outlier:
  value: "count(b.status == 'winner') / count()"
  side: low
  top: {value: "count()", quantile: 0.75}
explain: "{latest.bidder_uscc}"
tests:
  - name: case
    data:
      bids:
)yaml") + bids +
         "    expect: " + expect + "\n  - name: 无\n    data: {}\n    expect: []\n";
}

TEST(EngineOutlierTop, OnlyTopGroupsAreFlaggedAgainstFencesOverAll) {
  expect_cases_pass(cover_bidder_rule(5));  // 5 bids, 0 wins: flagged
  expect_cases_pass(cover_bidder_rule(1));  // 1 bid, 0 wins: low, but not frequent
}

TEST(EngineOutlierTop, TheQuantileIsCheckedWhenLoaded) {
  std::string yaml = cover_bidder_rule(5);
  yaml.replace(yaml.find("quantile: 0.75"), 14, "quantile: 1.5");
  auto r = parse_rule(yaml, "test.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("outlier.top.quantile"), std::string::npos) << r.error().message;
}

std::map<std::string, std::string> warning(const std::string& id, const std::string& rule,
                                           const std::string& deadline) {
  return {{"id", id},
          {"rule_id", rule},
          {"category", "finance"},
          {"severity", "red"},
          {"status", "new"},
          {"region_code", "330782001001"},
          {"routed_body", "town_discipline"},
          {"escalation_level", "0"},
          {"deadline", deadline},
          {"reopened_count", "0"},
          {"still_hit", "true"},
          {"created_at", "2025-03-01 09:00"}};
}

const char* kOverdue = R"(id: D07
status: active
title: 逾期
category: procedure
severity: red
basis: 逾期
routing: town_discipline
shape: record
from: warnings as w
where: w.deadline < as_of and w.status != 'closed'
explain: "{w.rule_id}"
tests:
  - name: 无
    data: {}
    expect: []
)";

TEST(DerivedWarnings, AreReadableByRulesButNotImportable) {
  EXPECT_EQ(imports::find_dataset("warnings"), nullptr);
  ASSERT_NE(find_fact_dataset("warnings"), nullptr);
  EXPECT_EQ(find_fact_dataset("payments"), imports::find_dataset("payments"));
  FactStore facts = FactStore::empty();
  ASSERT_NE(facts.table("warnings"), nullptr);
  EXPECT_EQ(facts.table("warnings")->spec().region_column, "region_code");
}

TEST(DerivedWarnings, RulesOverWarningsSkipTheWarningsOfEveryRuleOverWarnings) {
  FactStore facts = FactStore::empty();
  load(facts, "warnings",
       {warning("1", "S01", "2025-04-01"), warning("2", "D07", "2025-04-01"),
        warning("3", "E03", "2025-04-01"), warning("4", "F01", "2025-12-01")});
  std::string composite = kOverdue;
  composite.replace(composite.find("id: D07"), 7, "id: E03");
  composite.replace(composite.find("category: procedure"), 19, "category: efficiency");
  std::vector<RuleDef> rules = {parsed(kOverdue), parsed(composite)};
  auto engine = Engine::compile(rules, facts, {}, calendar());
  ASSERT_TRUE(engine.ok()) << engine.error().message;
  const std::int64_t as_of = core::Date::from_ymd(2025, 6, 30).days_since_epoch();
  for (const auto& run : engine->run(facts, as_of)) {
    ASSERT_EQ(run.hits.size(), 1u) << run.rule->id;
    EXPECT_EQ(run.hits[0].subjects.at(0).dataset, "warnings");
    EXPECT_EQ(run.hits[0].subjects.at(0).record_key, "1") << run.rule->id;
    EXPECT_EQ(run.evaluated, 2u) << run.rule->id
                                 << ": warnings 1 and 4 judged, 2 and 3 passed over";
  }
  // Compiled alone, a rule still passes over its own warnings.
  std::vector<RuleDef> alone = {parsed(kOverdue)};
  auto one = Engine::compile(alone, facts, {}, calendar());
  ASSERT_TRUE(one.ok());
  auto runs = one->run(facts, as_of);
  ASSERT_EQ(runs.size(), 1u);
  ASSERT_EQ(runs[0].hits.size(), 2u) << "S01's and E03's";
}

TEST(DerivedWarnings, CannotBeJoined) {
  FactStore facts = FactStore::empty();
  std::vector<RuleDef> rules = {parsed(R"(id: P99
status: active
title: 连接预警
category: projects
severity: yellow
basis: 无
routing: village
shape: match
from: projects as p
join:
  - {dataset: warnings, as: w, on: "p.village_code == w.region_code"}
where: w.status == 'new'
explain: "{p.id}"
tests:
  - name: 无
    data: {}
    expect: []
)")};
  auto engine = Engine::compile(rules, facts, {}, calendar());
  ASSERT_FALSE(engine.ok());
  EXPECT_NE(engine.error().message.find("只能用在 from"), std::string::npos)
      << engine.error().message;
}

// Loaded from the database: the warnings table as the warning store writes it.
TEST(DbDerivedWarnings, LoadFromTheWarningsTable) {
  testing::TestDb tdb;
  {
    auto conn = tdb.db().connect();
    conn.session() << "INSERT INTO warnings (rule_id, rule_version, category, dedup_key, severity, "
                      "status, region_code, routed_body, routed_region, deadline, "
                      "deadline_workdays, subjects, explanation, evidence, params, "
                      "content_digest, facts_digest, verdict, reopened_count, created_at, "
                      "updated_at, closed_at) VALUES ('S01', 1, 'subsidies', 'k1', 'red', "
                      "'closed', '330782001001', 'town_discipline', '330782001000', "
                      "'2025-04-01', 10, '[]', 'x', '{}', '[]', 'c', 'f', 'rectified', 2, "
                      "1740790800000, 1740790800000, 1743465600000)";
    conn.session() << "INSERT INTO warnings (rule_id, rule_version, category, dedup_key, severity, "
                      "status, region_code, routed_body, routed_region, deadline, "
                      "deadline_workdays, subjects, explanation, evidence, params, "
                      "content_digest, facts_digest, created_at, updated_at) VALUES ('F01', 1, "
                      "'finance', 'k2', 'yellow', 'new', '330782001002', 'village', "
                      "'330782001002', '2025-05-06', 5, '[]', 'y', '{}', '[]', 'c', 'f', "
                      "1740790800000, 1740790800000)";
  }
  auto store = FactStore::load(tdb.db(), nullptr);
  ASSERT_TRUE(store.ok()) << store.error().message;
  const FactTable* w = store->table("warnings");
  ASSERT_NE(w, nullptr);
  ASSERT_EQ(w->size(), 2u);
  const Dictionary& dict = store->dictionary();
  auto row = w->find(dict.text(w->record_key(0)));
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(dict.text(w->column("rule_id")->codes[0]), "S01");
  EXPECT_EQ(dict.text(w->region(0)), "330782001001");
  EXPECT_EQ(dict.text(w->column("verdict")->codes[0]), "rectified");
  EXPECT_EQ(w->column("reopened_count")->ints[0], 2);
  EXPECT_EQ(w->column("deadline")->ints[0], core::Date::from_ymd(2025, 4, 1).days_since_epoch());
  EXPECT_EQ(w->column("created_at")->ints[0], 1740790800000);
  EXPECT_EQ(w->column("closed_at")->ints[0], 1743465600000);
  EXPECT_TRUE(w->column("verdict")->missing(1));
  EXPECT_TRUE(w->column("closed_at")->missing(1));
  EXPECT_EQ(dict.text(w->column("status")->codes[1]), "new");
  // Its key is the warning's id.
  EXPECT_NE(dict.text(w->record_key(0)), dict.text(w->record_key(1)));
  EXPECT_EQ(dict.text(w->column("id")->codes[0]), dict.text(w->record_key(0)));
}

}  // namespace
}  // namespace mingjing::rules
