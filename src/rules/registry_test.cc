// RuleRegistry and backtest() on a real database (SQLite file, and
// PostgreSQL as pg.*): shipped versions synced once, newer shipped versions
// in force or waiting as drafts, drafts validated, status moves, typed
// overrides within the editor's scope, permissions, the effective pack,
// and backtests that count and write nothing.
#include "rules/registry.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "db/soci.h"
#include "imports/importer.h"
#include "imports/table_source.h"
#include "privacy/privacy.h"
#include "support/region_fixture.h"
#include "support/test_db.h"

namespace mingjing::rules {
namespace {

std::string rule_text(const std::string& id) {
  std::ifstream in(testing::source_dir() + "/rules/" + id + ".yaml", std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::string replaced_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size()) {
    text.replace(at, from.size(), to);
  }
  return text;
}

RuleDef parsed(const std::string& yaml) {
  auto rule = parse_rule(yaml, "test.yaml");
  EXPECT_TRUE(rule.ok()) << rule.error().message;
  return rule.ok() ? *rule : RuleDef{};
}

// F01 (cash over a limit, money parameter) and A05 (rent below a share of
// the benchmark, ratio parameter between 0 and 1), as shipped.
std::vector<RuleDef> small_pack() {
  return {parsed(rule_text("A05")), parsed(rule_text("F01"))};
}

class DbRuleRegistry : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::seed_town_a(tdb.db());
    auto conn = tdb.db().connect();
    // Town B, and a neighbouring county outside the editor's scope.
    conn.session() << "INSERT INTO regions VALUES ('330782002000', '江东街道', 'town', "
                      "'330782000000', 0)";
    conn.session() << "INSERT INTO regions VALUES ('330783000000', '东阳市', 'county', NULL, 0)";
    editor = add_user("jiwei", "county_discipline", testing::kCounty);
    town_b = add_user("zhenjiwei", "town_discipline", "330782002000");
    leader = add_user("lingdao", "county_leader", testing::kCounty);
    member = add_user("weiyuan", "village_member", testing::kVillageA1);
  }

  warnings::Actor add_user(const std::string& username, const std::string& role,
                           const std::string& region) {
    auto conn = tdb.db().connect();
    long long id = 0;
    std::string u = username;
    conn.session() << "INSERT INTO users (username, display_name, password_hash, created_at, "
                      "updated_at) VALUES (:u, :d, 'x', 0, 0) RETURNING id",
        soci::use(u), soci::use(u), soci::into(id);
    return {id, username, role, region, {}};
  }

  long long count(const std::string& sql) {
    auto conn = tdb.db().connect();
    long long n = -1;
    conn.session() << sql, soci::into(n);
    return n;
  }

  long long generation(const RuleRegistry& r) {
    auto g = r.generation();
    EXPECT_TRUE(g.ok());
    return g.ok() ? *g : -1;
  }

  const RuleDef* find(const EffectivePack& pack, const std::string& id) {
    for (const auto& r : pack.rules) {
      if (r.id == id) return &r;
    }
    return nullptr;
  }

  testing::TestDb tdb;
  warnings::Actor editor, town_b, leader, member;
};

TEST_F(DbRuleRegistry, SyncStoresEveryShippedRuleOnceAndIsIdempotent) {
  auto pack = builtin_rules();
  ASSERT_TRUE(pack.ok());
  RuleRegistry registry(tdb.db(), *pack);
  EXPECT_EQ(generation(registry), 0);
  ASSERT_TRUE(registry.sync().ok());
  const long long n = static_cast<long long>(pack->size());
  EXPECT_EQ(count("SELECT COUNT(*) FROM rule_versions"), n);
  EXPECT_EQ(count("SELECT COUNT(*) FROM rule_versions WHERE in_force = 1 AND origin = 'shipped' "
                  "AND created_by IS NULL"),
            n);
  const long long shadow = std::count_if(
      pack->begin(), pack->end(), [](const RuleDef& r) { return r.status == RuleStatus::shadow; });
  EXPECT_GE(shadow, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM rule_versions WHERE status = 'shadow'"), shadow);
  EXPECT_EQ(count("SELECT COUNT(*) FROM rule_status_changes"), n);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'rules.sync'"), 1);
  EXPECT_EQ(generation(registry), 1);

  // Again, and from another "server": nothing new.
  ASSERT_TRUE(registry.sync().ok());
  auto again = tdb.open_again();
  RuleRegistry other(*again, *pack);
  ASSERT_TRUE(other.sync().ok());
  EXPECT_EQ(count("SELECT COUNT(*) FROM rule_versions"), n);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'rules.sync'"), 1);
  EXPECT_EQ(generation(registry), 1);

  // The effective pack is the shipped one, statuses included.
  auto effective = registry.effective();
  ASSERT_TRUE(effective.ok());
  ASSERT_EQ(effective->rules.size(), pack->size());
  for (std::size_t i = 0; i < pack->size(); ++i) {
    EXPECT_EQ(effective->rules[i].id, (*pack)[i].id);
    EXPECT_EQ(effective->rules[i].status, (*pack)[i].status) << (*pack)[i].id;
    EXPECT_EQ(effective->rules[i].yaml, (*pack)[i].yaml);
  }
  EXPECT_TRUE(effective->overrides.empty());
  EXPECT_EQ(effective->generation, 1);
}

TEST_F(DbRuleRegistry, ANewerShippedVersionReplacesAnUneditedOneKeepingItsStatus) {
  RuleRegistry v1(tdb.db(), small_pack());
  ASSERT_TRUE(v1.sync().ok());
  ASSERT_TRUE(v1.set_status(editor, "F01", 1, RuleStatus::paused, "核实中").ok());

  std::vector<RuleDef> newer = small_pack();
  newer[1] = parsed(replaced(replaced(rule_text("F01"), "version: 1", "version: 2"),
                             "default: 1000", "default: 2000"));
  RuleRegistry v2(tdb.db(), newer);
  ASSERT_TRUE(v2.sync().ok());
  auto versions = v2.versions(editor, "F01");
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].version, 2);
  EXPECT_TRUE((*versions)[0].in_force);
  EXPECT_EQ((*versions)[0].status, RuleStatus::paused);  // carried over
  EXPECT_EQ((*versions)[1].version, 1);
  EXPECT_FALSE((*versions)[1].in_force);
  EXPECT_EQ((*versions)[1].status, RuleStatus::retired);
  EXPECT_TRUE((*versions)[1].superseded_at.has_value());

  auto pack = v2.effective();
  ASSERT_TRUE(pack.ok());
  const RuleDef* f01 = find(*pack, "F01");
  ASSERT_NE(f01, nullptr);
  EXPECT_EQ(f01->version, 2);
  EXPECT_EQ(f01->status, RuleStatus::paused);
  EXPECT_EQ(f01->param("cash_limit")->value.integer, 200000);
  EXPECT_EQ(find(*pack, "A05")->version, 1);  // untouched
}

TEST_F(DbRuleRegistry, ANewerShippedVersionWaitsAsADraftOnceTheRuleWasEdited) {
  RuleRegistry v1(tdb.db(), small_pack());
  ASSERT_TRUE(v1.sync().ok());
  auto draft = v1.save_draft(
      editor, "F01", replaced(rule_text("F01"), "default: 1000", "default: 500"), "本县限额");
  ASSERT_TRUE(draft.ok()) << draft.error().message;
  EXPECT_EQ(draft->version, 2);

  std::vector<RuleDef> newer = small_pack();
  newer[1] = parsed(replaced(rule_text("F01"), "version: 1", "version: 2"));
  RuleRegistry v2(tdb.db(), newer);
  ASSERT_TRUE(v2.sync().ok());
  ASSERT_TRUE(v2.sync().ok());  // the renumbered file is still recognised
  auto versions = v2.versions(editor, "F01");
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 3u);
  const RuleVersionInfo& shipped = (*versions)[0];
  EXPECT_EQ(shipped.version, 3);  // 2 was taken by the edit
  EXPECT_EQ(shipped.origin, "shipped");
  EXPECT_EQ(shipped.status, RuleStatus::draft);
  EXPECT_FALSE(shipped.in_force);
  EXPECT_NE(shipped.yaml.find("\nversion: 3\n"), std::string::npos);
  EXPECT_TRUE((*versions)[2].in_force);  // version 1 stays in force
  auto f01 = v2.rule_in_force("F01");
  ASSERT_TRUE(f01.ok() && f01->has_value());
  EXPECT_EQ((*f01)->version, 1);
}

TEST_F(DbRuleRegistry, DraftsAreValidatedWithLineAndField) {
  RuleRegistry registry(tdb.db(), small_pack());
  ASSERT_TRUE(registry.sync().ok());
  const std::string f01 = rule_text("F01");

  auto typo = registry.save_draft(editor, "F01", replaced(f01, "severity:", "severty:"), "改");
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.error().code, core::errc::kInvalidArgument);
  EXPECT_EQ(typo.error().field, "yaml");
  EXPECT_NE(typo.error().message.find("F01.yaml:6:1：字段 severty"), std::string::npos)
      << typo.error().message;

  auto bad_expr = registry.save_draft(
      editor, "F01", replaced(f01, "params.cash_limit and", "params.no_such and"), "改");
  ASSERT_FALSE(bad_expr.ok());
  EXPECT_NE(bad_expr.error().message.find("F01.yaml:16:"), std::string::npos)
      << bad_expr.error().message;

  auto other_id = registry.save_draft(editor, "A05", f01, "改");
  ASSERT_FALSE(other_id.ok());
  EXPECT_NE(other_id.error().message.find("规则编号应为 A05"), std::string::npos);

  auto no_note = registry.save_draft(editor, "F01", f01, "  ");
  ASSERT_FALSE(no_note.ok());
  EXPECT_EQ(no_note.error().field, "note");

  auto unknown = registry.save_draft(editor, "F99", replaced(f01, "id: F01", "id: F99"), "改");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, core::errc::kNotFound);

  // Nothing of it was stored.
  EXPECT_EQ(count("SELECT COUNT(*) FROM rule_versions WHERE rule_id = 'F01'"), 1);

  // Without a version line: one is added.
  auto saved = registry.save_draft(editor, "F01", replaced(f01, "version: 1\n", ""), "去掉版本行");
  ASSERT_TRUE(saved.ok()) << saved.error().message;
  EXPECT_EQ(saved->version, 2);
  EXPECT_EQ(saved->status, RuleStatus::draft);
  EXPECT_EQ(saved->origin, "edited");
  EXPECT_EQ(saved->created_by, editor.user_id);
  EXPECT_EQ(saved->note, "去掉版本行");
  EXPECT_EQ(saved->yaml.rfind("id: F01\nversion: 2\n", 0), 0u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'rule.draft'"), 1);
}

TEST_F(DbRuleRegistry, StatusMovesFollowTheAllowedTransitions) {
  RuleRegistry registry(tdb.db(), small_pack());
  ASSERT_TRUE(registry.sync().ok());
  auto draft = registry.save_draft(
      editor, "F01", replaced(rule_text("F01"), "default: 1000", "default: 500"), "本县限额");
  ASSERT_TRUE(draft.ok());
  const long long g = generation(registry);

  auto refused = registry.set_status(editor, "F01", 2, RuleStatus::paused, "暂停");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, core::errc::kConflict);
  EXPECT_EQ(generation(registry), g);

  auto active = registry.set_status(editor, "F01", 2, RuleStatus::active, "试点完成");
  ASSERT_TRUE(active.ok()) << active.error().message;
  EXPECT_TRUE(active->in_force);
  auto old = registry.version(editor, "F01", 1);
  ASSERT_TRUE(old.ok());
  EXPECT_FALSE(old->in_force);
  EXPECT_EQ(old->status, RuleStatus::retired);
  EXPECT_TRUE(old->superseded_at.has_value());
  EXPECT_EQ(generation(registry), g + 1);

  EXPECT_EQ(registry.set_status(editor, "F01", 2, RuleStatus::active, "再次").error().code,
            core::errc::kConflict);
  EXPECT_TRUE(registry.set_status(editor, "F01", 2, RuleStatus::paused, "复核").ok());
  EXPECT_EQ(registry.set_status(editor, "F01", 2, RuleStatus::draft, "退回").error().code,
            core::errc::kConflict);
  EXPECT_TRUE(registry.set_status(editor, "F01", 2, RuleStatus::shadow, "观察").ok());
  // The superseded version back in force (a rollback) supersedes version 2.
  auto back = registry.set_status(editor, "F01", 1, RuleStatus::active, "恢复原限额");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_TRUE(back->in_force);
  EXPECT_EQ(back->superseded_at, std::nullopt);
  auto two = registry.version(editor, "F01", 2);
  EXPECT_FALSE(two->in_force);
  EXPECT_EQ(two->status, RuleStatus::retired);
  EXPECT_EQ(count("SELECT COUNT(*) FROM rule_versions WHERE rule_id = 'F01' AND in_force = 1"), 1);

  EXPECT_TRUE(registry.set_status(editor, "F01", 1, RuleStatus::retired, "停用").ok());
  EXPECT_EQ(registry.set_status(editor, "F01", 1, RuleStatus::paused, "暂停").error().code,
            core::errc::kConflict);
  EXPECT_EQ(registry.set_status(editor, "F01", 9, RuleStatus::active, "x").error().code,
            core::errc::kNotFound);
  EXPECT_EQ(registry.set_status(editor, "F01", 1, RuleStatus::active, "").error().field, "reason");

  auto history = registry.status_history(leader, "F01");
  ASSERT_TRUE(history.ok());
  // Newest first: retire 1; 1 active + 2 superseded; 2 shadow; 2 paused;
  // 2 active + 1 superseded; draft 2 saved; 1 shipped.
  ASSERT_EQ(history->size(), 9u);
  EXPECT_EQ((*history)[0].to, "retired");
  EXPECT_EQ((*history)[0].version, 1);
  EXPECT_EQ((*history)[0].by, editor.user_id);
  EXPECT_EQ(history->back().from, "");
  EXPECT_EQ(history->back().to, "active");
  EXPECT_EQ(history->back().reason, "随版本发布");
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'rule.status'"), 5);
}

TEST_F(DbRuleRegistry, OverridesAreTypedByTheParameterAndKeptInScope) {
  RuleRegistry registry(tdb.db(), small_pack());
  ASSERT_TRUE(registry.sync().ok());
  auto town = registry.set_override(editor, "F01", "cash_limit", testing::kTownA, "5万元");
  ASSERT_TRUE(town.ok()) << town.error().message;
  EXPECT_EQ(town->value, "5万元");
  auto ratio = registry.set_override(editor, "A05", "min_ratio", testing::kVillageA1, "30%");
  ASSERT_TRUE(ratio.ok()) << ratio.error().message;

  auto pack = registry.effective();
  ASSERT_TRUE(pack.ok());
  ASSERT_EQ(pack->overrides.size(), 2u);
  for (const auto& o : pack->overrides) {
    if (o.rule_id == "F01") {
      EXPECT_EQ(o.region_code, testing::kTownA);
      EXPECT_EQ(o.value.type, ParamType::money);
      EXPECT_EQ(o.value.integer, 5000000);  // fen
    } else {
      EXPECT_EQ(o.param, "min_ratio");
      EXPECT_DOUBLE_EQ(o.value.decimal, 0.3);
    }
  }
  // The resolver sees it for the town's villages only.
  ParamResolver resolver(*find(*pack, "F01"), pack->overrides);
  EXPECT_EQ(resolver.resolve(testing::kVillageA1)[0].value.integer, 5000000);
  EXPECT_EQ(resolver.resolve(testing::kVillageA1)[0].source, testing::kTownA);
  EXPECT_EQ(resolver.resolve(testing::kVillageB1)[0].value.integer, 100000);

  // Replacing keeps one row.
  auto replaced_value = registry.set_override(editor, "F01", "cash_limit", testing::kTownA, "800");
  ASSERT_TRUE(replaced_value.ok());
  EXPECT_EQ(replaced_value->id, town->id);
  EXPECT_EQ(count("SELECT COUNT(*) FROM rule_overrides"), 2);

  auto bad = registry.set_override(editor, "F01", "cash_limit", testing::kTownA, "一千");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "value");
  auto beyond = registry.set_override(editor, "A05", "min_ratio", testing::kTownA, "150%");
  ASSERT_FALSE(beyond.ok());
  EXPECT_EQ(beyond.error().field, "value");
  EXPECT_NE(beyond.error().message.find("0至1"), std::string::npos) << beyond.error().message;
  auto unknown = registry.set_override(editor, "F01", "no_such", testing::kTownA, "1");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "param");
  auto outside = registry.set_override(editor, "F01", "cash_limit", "330783000000", "800");
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.error().code, core::errc::kForbidden);
  auto nowhere = registry.set_override(editor, "F01", "cash_limit", "330782009000", "800");
  ASSERT_FALSE(nowhere.ok());
  EXPECT_EQ(nowhere.error().field, "region_code");
  auto no_rule = registry.set_override(editor, "Z99", "cash_limit", testing::kTownA, "800");
  EXPECT_EQ(no_rule.error().code, core::errc::kNotFound);

  // Reading: a town sees the overrides in its subtree only.
  auto seen_by_b = registry.overrides(town_b, "");
  ASSERT_TRUE(seen_by_b.ok());
  EXPECT_TRUE(seen_by_b->empty());
  auto all = registry.overrides(leader, "");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);
  EXPECT_TRUE(all->front().used);

  // Removing: gone from the pack.
  ASSERT_TRUE(registry.remove_override(editor, town->id).ok());
  EXPECT_EQ(registry.remove_override(editor, town->id).error().code, core::errc::kNotFound);
  pack = registry.effective();
  ASSERT_EQ(pack->overrides.size(), 1u);
  EXPECT_EQ(pack->overrides[0].rule_id, "A05");
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'rule.override.%'"), 4);
}

TEST_F(DbRuleRegistry, AnOverrideOfAParameterTheVersionInForceLacksIsKeptButUnused) {
  RuleRegistry registry(tdb.db(), small_pack());
  ASSERT_TRUE(registry.sync().ok());
  ASSERT_TRUE(registry.set_override(editor, "F01", "cash_limit", testing::kTownA, "800").ok());
  auto renamed = registry.save_draft(editor, "F01",
                                     replaced_all(rule_text("F01"), "cash_limit", "limit"), "改名");
  ASSERT_TRUE(renamed.ok()) << renamed.error().message;
  ASSERT_TRUE(registry.set_status(editor, "F01", 2, RuleStatus::active, "启用").ok());
  auto list = registry.overrides(editor, "F01");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_FALSE(list->front().used);
  auto pack = registry.effective();
  ASSERT_TRUE(pack.ok());
  EXPECT_TRUE(pack->overrides.empty());
}

TEST_F(DbRuleRegistry, OnlyTheCountyDisciplineCommissionChangesRules) {
  RuleRegistry registry(tdb.db(), small_pack());
  ASSERT_TRUE(registry.sync().ok());
  const std::string f01 = rule_text("F01");
  for (const auto* who : {&town_b, &leader, &member}) {
    EXPECT_EQ(registry.save_draft(*who, "F01", f01, "改").error().code, core::errc::kForbidden);
    EXPECT_EQ(registry.set_status(*who, "F01", 1, RuleStatus::paused, "停").error().code,
              core::errc::kForbidden);
    EXPECT_EQ(registry.set_override(*who, "F01", "cash_limit", "330782002000", "800").error().code,
              core::errc::kForbidden);
    EXPECT_EQ(registry.remove_override(*who, 1).error().code, core::errc::kForbidden);
  }
  // Reading needs rule:rule:list: a committee member has none.
  EXPECT_EQ(registry.in_force(member).error().code, core::errc::kForbidden);
  EXPECT_EQ(registry.versions(member, "F01").error().code, core::errc::kForbidden);
  EXPECT_TRUE(registry.in_force(town_b).ok());
  EXPECT_EQ(registry.versions(town_b, "Z99").error().code, core::errc::kNotFound);
  EXPECT_EQ(generation(registry), 1);  // only the sync changed anything
}

// Payments in village A1: cash at 600, 800, 1200 and 1500 yuan inside 2025
// and one at 5000 in 2023, plus a transfer.
constexpr const char* kPayments =
    "id,village_code,category,payee_name,amount,method,applied_at\n"
    "ZC1,330782001001,办公用品,张三,600,cash,2025-03-01\n"
    "ZC2,330782001001,办公用品,李四,800,cash,2025-04-01\n"
    "ZC3,330782001001,工程款,王五,1200,cash,2025-05-01\n"
    "ZC4,330782001002,工程款,赵六,1500,cash,2025-06-01\n"
    "ZC5,330782001001,工程款,钱七,5000,cash,2023-06-01\n"
    "ZC6,330782001001,工程款,孙八,50000,transfer,2025-06-01\n";

class DbRuleBacktest : public DbRuleRegistry {
 protected:
  void SetUp() override {
    DbRuleRegistry::SetUp();
    imports::Importer importer(tdb.db(), vault);
    imports::ImportOptions options;
    options.file_name = "payments.csv";
    auto source = imports::csv_source(kPayments);
    auto summary = importer.run(*imports::find_dataset("payments"), *source, options);
    ASSERT_TRUE(summary.ok()) << summary.error().message;
    ASSERT_EQ(summary->inserted, 6u);
    ASSERT_TRUE(registry.sync().ok());
  }

  BacktestOptions year_2025() {
    BacktestOptions o;
    o.rule_id = "F01";
    o.from = *core::Date::parse("2025-01-01");
    o.to = *core::Date::parse("2025-12-31");
    return o;
  }

  privacy::Vault vault = privacy::Vault::from_key({3});
  RuleRegistry registry{tdb.db(), small_pack()};
};

TEST_F(DbRuleBacktest, ADraftWithALowerLimitFindsMoreAndWritesNothing) {
  auto draft = registry.save_draft(
      editor, "F01", replaced(rule_text("F01"), "default: 1000", "default: 500"), "降低限额");
  ASSERT_TRUE(draft.ok());
  const long long audit = count("SELECT COUNT(*) FROM audit_log");
  const long long g = generation(registry);

  BacktestOptions o = year_2025();
  o.sample = 2;
  auto report = backtest(tdb.db(), &vault, registry, o);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->version, 2);  // the newest, the draft
  EXPECT_EQ(report->hits, 4);     // 600, 800, 1200, 1500; 2023 left out
  EXPECT_EQ(report->hits_in_force, 2);
  EXPECT_EQ(report->open_warnings, 0);
  EXPECT_EQ(report->evaluated, 6u);
  ASSERT_EQ(report->sample.size(), 2u);
  EXPECT_EQ(report->sample[0].dedup_key, "payments:ZC1");
  EXPECT_EQ(report->sample[1].dedup_key, "payments:ZC2");
  EXPECT_EQ(report->sample[0].subjects[0].dataset, "payments");
  EXPECT_NE(report->sample[0].explanation.find("张三"), std::string::npos);

  // The version in force, and the whole history.
  o.version = 1;
  auto in_force = backtest(tdb.db(), &vault, registry, o);
  ASSERT_TRUE(in_force.ok());
  EXPECT_EQ(in_force->hits, 2);
  EXPECT_EQ(in_force->hits_in_force, 2);
  o.from = *core::Date::parse("2020-01-01");
  EXPECT_EQ(backtest(tdb.db(), &vault, registry, o)->hits, 3);

  // An override applies to the draft as to the version in force.
  ASSERT_TRUE(registry.set_override(editor, "F01", "cash_limit", testing::kVillageA1, "700").ok());
  o = year_2025();
  report = backtest(tdb.db(), &vault, registry, o);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->hits, 3);           // A1 at 700: 800, 1200; A2 at 500: 1500
  EXPECT_EQ(report->hits_in_force, 3);  // A1 at 700: 800, 1200; A2 at 1000: 1500

  // Unsaved text.
  o.yaml = replaced(rule_text("F01"), "default: 1000", "default: 1600");
  report = backtest(tdb.db(), &vault, registry, o);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->version, 0);
  EXPECT_EQ(report->hits, 2);  // A1 at 700: 800, 1200; A2 at 1600: none

  EXPECT_EQ(count("SELECT COUNT(*) FROM warnings"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log"), audit + 1);  // the override only
  EXPECT_EQ(generation(registry), g + 1);
}

TEST_F(DbRuleBacktest, RefusesWhatItCannotRun) {
  BacktestOptions o = year_2025();
  o.from = *core::Date::parse("2026-01-01");
  EXPECT_EQ(backtest(tdb.db(), &vault, registry, o).error().field, "from");
  o = year_2025();
  o.version = 7;
  EXPECT_EQ(backtest(tdb.db(), &vault, registry, o).error().code, core::errc::kNotFound);
  o = year_2025();
  o.rule_id = "Z99";
  EXPECT_EQ(backtest(tdb.db(), &vault, registry, o).error().code, core::errc::kNotFound);
  o = year_2025();
  o.yaml = replaced(rule_text("F01"), "p.amount >", "p.no_column >");
  auto bad = backtest(tdb.db(), &vault, registry, o);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "yaml");
  o = year_2025();
  o.sample = -1;
  EXPECT_EQ(backtest(tdb.db(), &vault, registry, o).error().field, "sample");
}

TEST(BacktestPeriod, TheLastYearEndsOnItsDay) {
  auto day = [](const char* text) { return *core::Date::parse(text); };
  EXPECT_EQ(year_up_to(day("2025-12-31")), day("2025-01-01"));
  EXPECT_EQ(year_up_to(day("2025-06-15")), day("2024-06-16"));
  EXPECT_EQ(year_up_to(day("2024-02-29")), day("2023-03-01"));
  EXPECT_EQ(year_up_to(day("2025-03-01")), day("2024-03-02"));
}

}  // namespace
}  // namespace mingjing::rules
