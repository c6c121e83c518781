// Rule files: a complete rule reads back field by field; every kind of
// mistake is refused with the file, line and field; directories load sorted
// and refuse duplicate ids; parameters resolve to the most specific override.
#include "rules/rule_def.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace mingjing::rules {
namespace {

const char* kS01 = R"(id: S01
version: 3
status: active
title: 补贴对象死亡后仍在发放
category: subsidies
severity: red
basis: 民政死亡数据与补贴发放比对
routing: town_discipline
deadline_workdays: 10
params:
  grace_days: {type: days, default: 0, title: 宽限天数, min: 0, max: 90}
  min_amount: {type: money, default: "1,000.50", title: 最低金额}
  share: {type: ratio, default: 90%, title: 比例}
  kinds: {type: text_list, default: [spouse, parent], title: 亲属关系}
shape: match
from: subsidies as s
join:
  - dataset: deaths
    as: d
    on: s.id_number == d.id_number
where: s.paid_at > d.death_date + params.grace_days
explain: "{s.name}于{d.death_date}死亡，{s.paid_at}仍发放补贴{s.amount}"
evidence:
  death_date: d.death_date
  paid_at: s.paid_at
tests:
  - name: 死亡后发放
    as_of: 2025-06-30
    data:
      deaths:
        - {id_number: 11010519491231002X, death_date: 2025-01-10}
      subsidies:
        - {id: SB1, id_number: 11010519491231002X, paid_at: 2025-02-01}
    expect:
      - [subsidies:SB1, persons:11010519491231002X]
  - name: 死亡前发放不预警
    params: {grace_days: 3}
    data: {}
    expect: []
)";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(RuleDef, ACompleteRuleReadsBack) {
  auto r = parse_rule(kS01, "rules/S01.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->id, "S01");
  EXPECT_EQ(r->version, 3);
  EXPECT_EQ(r->status, RuleStatus::active);
  EXPECT_EQ(r->category, "subsidies");
  EXPECT_EQ(r->severity, Severity::red);
  EXPECT_EQ(r->routing, Routing::town_discipline);
  EXPECT_EQ(r->deadline_workdays, 10);
  EXPECT_EQ(r->shape, Shape::match);
  EXPECT_EQ(r->from.dataset, "subsidies");
  EXPECT_EQ(r->from.alias, "s");
  ASSERT_EQ(r->joins.size(), 1u);
  EXPECT_EQ(r->joins[0].ref.dataset, "deaths");
  EXPECT_EQ(r->joins[0].ref.alias, "d");
  EXPECT_EQ(r->joins[0].on.text, "s.id_number == d.id_number");
  EXPECT_EQ(r->joins[0].on.mark.line, 20);
  EXPECT_EQ(r->where.text, "s.paid_at > d.death_date + params.grace_days");
  EXPECT_EQ(r->where.mark.line, 21);
  EXPECT_EQ(r->where.mark.column, 8);
  EXPECT_EQ(r->where.mark.file, "rules/S01.yaml");

  ASSERT_EQ(r->params.size(), 4u);
  EXPECT_EQ(r->param("grace_days")->type, ParamType::days);
  EXPECT_EQ(r->param("grace_days")->max, 90);
  EXPECT_EQ(r->param("min_amount")->value.integer, 100050);  // fen
  EXPECT_DOUBLE_EQ(r->param("share")->value.decimal, 0.9);
  EXPECT_EQ(r->param("kinds")->value.list, (std::vector<std::string>{"spouse", "parent"}));
  EXPECT_EQ(r->param("nope"), nullptr);

  ASSERT_EQ(r->evidence.size(), 2u);
  EXPECT_EQ(r->evidence[0].first, "death_date");
  ASSERT_EQ(r->tests.size(), 2u);
  EXPECT_EQ(r->tests[0].as_of, "2025-06-30");
  ASSERT_EQ(r->tests[0].data.at("subsidies").size(), 1u);
  EXPECT_EQ(r->tests[0].data.at("subsidies")[0].at("paid_at"), "2025-02-01");
  EXPECT_EQ(
      r->tests[0].expect,
      (std::vector<std::vector<std::string>>{{"subsidies:SB1", "persons:11010519491231002X"}}));
  EXPECT_TRUE(r->tests[1].expect.empty());
  EXPECT_EQ(r->tests[1].params.at("grace_days"), "3");
  EXPECT_EQ(r->yaml, kS01);
}

// Each mistake, the field it is reported against and the line.
struct Mistake {
  const char* what;
  std::string yaml;
  std::string field;
  int line;
};

TEST(RuleDef, MistakesNameTheFileLineAndField) {
  const std::vector<Mistake> mistakes = {
      {"a misspelt field", replaced(kS01, "severity: red", "severty: red"), "severty", 6},
      {"an unknown status", replaced(kS01, "status: active", "status: on"), "status", 3},
      {"an unknown shape", replaced(kS01, "shape: match", "shape: join"), "shape", 15},
      {"the category of another letter", replaced(kS01, "category: subsidies", "category: labor"),
       "category", 5},
      {"an id not in the catalogue's form", replaced(kS01, "id: S01", "id: X1"), "id", 1},
      {"a money default that is no amount",
       replaced(kS01, "default: \"1,000.50\"", "default: lots"), "params.min_amount.default", 12},
      {"an unknown parameter type", replaced(kS01, "type: ratio", "type: percent"),
       "params.share.type", 13},
      {"a negative deadline", replaced(kS01, "deadline_workdays: 10", "deadline_workdays: -1"),
       "deadline_workdays", 9},
      {"a match without a join",
       replaced(kS01, "join:\n  - dataset: deaths\n    as: d\n    on: s.id_number == d.id_number\n",
                ""),
       "join", 1},
      {"a join without on", replaced(kS01, "    on: s.id_number == d.id_number\n", ""),
       "join[0].on", 18},
      {"a from without an alias", replaced(kS01, "from: subsidies as s", "from: subsidies"), "from",
       16},
      {"an explanation with an open brace",
       replaced(kS01, "仍发放补贴{s.amount}\"", "仍发放补贴{s.amount\""), "explain", 22},
      {"no tests", kS01 + std::string() /* cut below */, "tests", 0},
      {"a test without expect", replaced(kS01, "    expect: []\n", ""), "tests[1].expect", 36},
      {"an expected record without its dataset",
       replaced(kS01, "[subsidies:SB1, persons:11010519491231002X]", "[SB1]"), "tests[0].expect",
       35},
      {"a window on a match rule",
       replaced(kS01, "shape: match", "shape: match\nwindow: {days: 7}"), "window", 16},
  };
  for (const auto& m : mistakes) {
    std::string yaml = m.yaml;
    if (std::string(m.what) == "no tests") yaml = yaml.substr(0, yaml.find("tests:"));
    auto r = parse_rule(yaml, "rules/S01.yaml");
    ASSERT_FALSE(r.ok()) << m.what;
    EXPECT_EQ(r.error().field, m.field) << m.what << ": " << r.error().message;
    EXPECT_NE(r.error().message.find("rules/S01.yaml"), std::string::npos) << m.what;
    if (m.line > 0) {
      EXPECT_NE(r.error().message.find("rules/S01.yaml:" + std::to_string(m.line) + ":"),
                std::string::npos)
          << m.what << ": " << r.error().message;
    }
  }
}

TEST(RuleDef, BrokenYamlSaysWhere) {
  auto r = parse_rule("id: S01\ntitle: [unclosed\n", "x.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "yaml");
  EXPECT_NE(r.error().message.find("x.yaml:"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("YAML 格式错误"), std::string::npos);
}

TEST(RuleDef, OtherShapesCheckTheirFields) {
  const std::string window = R"(id: P01
status: active
title: 工程拆分规避招标
category: projects
severity: red
basis: 村级工程招投标管理
routing: town_discipline
shape: window
from: projects as p
group: [p.village_code, p.category]
time: p.contract_signed_at
window: {months: 12}
having: count() >= 2 and sum(p.contract_amount) >= yuan(100000)
explain: "{p.village_code}拆分"
tests:
  - {name: 无数据, expect: []}
)";
  auto w = parse_rule(window, "P01.yaml");
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_EQ(w->shape, Shape::window);
  EXPECT_EQ(w->group.size(), 2u);
  EXPECT_EQ(w->window_months, 12);
  EXPECT_EQ(w->window_days, 0);

  auto both = parse_rule(replaced(window, "{months: 12}", "{months: 12, days: 3}"), "P01.yaml");
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.error().field, "window");
  auto no_time = parse_rule(replaced(window, "time: p.contract_signed_at\n", ""), "P01.yaml");
  ASSERT_FALSE(no_time.ok());
  EXPECT_EQ(no_time.error().field, "time");
  auto no_having = parse_rule(
      replaced(window, "having: count() >= 2 and sum(p.contract_amount) >= yuan(100000)\n", ""),
      "P01.yaml");
  ASSERT_FALSE(no_having.ok());
  EXPECT_EQ(no_having.error().field, "having");

  const std::string missing = R"(id: F07
status: shadow
title: 银行流水无对应支出
category: finance
severity: yellow
basis: 账外资金
routing: village
shape: missing
from: bank_transactions as b
where: b.direction == 'out'
without: {dataset: payments, as: p, on: "p.payer_account == b.account_no"}
explain: "{b.id}无对应支出"
tests:
  - {name: 无数据, expect: []}
)";
  auto m = parse_rule(missing, "F07.yaml");
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_EQ(m->joins.size(), 1u);
  EXPECT_EQ(m->joins[0].ref.alias, "p");
  EXPECT_EQ(m->status, RuleStatus::shadow);
  auto twice = parse_rule(replaced(missing, "as: p,", "as: b,"), "F07.yaml");
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().field, "without.as");

  const std::string deadline = R"(id: A01
status: active
title: 合同即将到期
category: assets
severity: yellow
basis: 合同到期预警
routing: village
shape: deadline
from: leases as l
due: l.end_date
warn_before: 60
explain: "{l.id}将于{l.end_date}到期"
tests:
  - {name: 无数据, expect: []}
)";
  auto d = parse_rule(deadline, "A01.yaml");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->due.text, "l.end_date");
  auto no_due = parse_rule(replaced(deadline, "due: l.end_date\n", ""), "A01.yaml");
  ASSERT_FALSE(no_due.ok());
  EXPECT_EQ(no_due.error().field, "due");
}

class RuleDirectory : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("mingjing-rules-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
           "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
  }
  std::filesystem::path dir;
};

TEST_F(RuleDirectory, LoadsEveryYamlFileSortedById) {
  write("b.yaml", kS01);
  write("a.yaml", replaced(replaced(kS01, "id: S01", "id: S05"), "title: 补贴对象死亡后仍在发放",
                           "title: 重复发放"));
  write("notes.txt", "not a rule");
  auto rules = load_rules(dir.string());
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  ASSERT_EQ(rules->size(), 2u);
  EXPECT_EQ((*rules)[0].id, "S01");
  EXPECT_EQ((*rules)[1].id, "S05");
  EXPECT_EQ((*rules)[1].file, (dir / "a.yaml").string());
}

TEST_F(RuleDirectory, RefusesTwoFilesWithOneIdAndNamesBoth) {
  write("a.yaml", kS01);
  write("b.yaml", kS01);
  auto rules = load_rules(dir.string());
  ASSERT_FALSE(rules.ok());
  EXPECT_NE(rules.error().message.find("a.yaml"), std::string::npos);
  EXPECT_NE(rules.error().message.find("b.yaml"), std::string::npos);
}

TEST_F(RuleDirectory, OneBadFileStopsTheLoad) {
  write("a.yaml", kS01);
  write("b.yaml", replaced(replaced(kS01, "id: S01", "id: S02"), "severity: red", "severity: 红"));
  auto rules = load_rules(dir.string());
  ASSERT_FALSE(rules.ok());
  EXPECT_EQ(rules.error().field, "severity");
  EXPECT_NE(rules.error().message.find("b.yaml:6:"), std::string::npos) << rules.error().message;
}

TEST(RuleDirectoryMissing, IsAClearError) {
  auto rules = load_rules("/nonexistent/mingjing/rules");
  ASSERT_FALSE(rules.ok());
  EXPECT_NE(rules.error().message.find("规则目录不存在"), std::string::npos);
}

TEST(ParamValues, ReadAsACountyWritesThem) {
  EXPECT_EQ(parse_param_value(ParamType::money, "100,000")->integer, 10000000);
  EXPECT_EQ(parse_param_value(ParamType::money, "0.5")->integer, 50);
  EXPECT_FALSE(parse_param_value(ParamType::money, "ten").ok());
  // Ten thousands and a trailing 元, as thresholds are usually written.
  EXPECT_EQ(parse_param_value(ParamType::money, "5万元")->integer, 5000000);
  EXPECT_EQ(parse_param_value(ParamType::money, "1.5万")->integer, 1500000);
  EXPECT_EQ(parse_param_value(ParamType::money, "0.000001万")->integer, 1);
  EXPECT_EQ(parse_param_value(ParamType::money, "800元")->integer, 80000);
  EXPECT_FALSE(parse_param_value(ParamType::money, "万元").ok());
  EXPECT_FALSE(parse_param_value(ParamType::money, "1.万").ok());
  EXPECT_FALSE(parse_param_value(ParamType::money, "0.0000001万").ok());
  EXPECT_FALSE(parse_param_value(ParamType::money, "-5万").ok());
  EXPECT_DOUBLE_EQ(parse_param_value(ParamType::ratio, "95%")->decimal, 0.95);
  EXPECT_DOUBLE_EQ(parse_param_value(ParamType::ratio, "0.98")->decimal, 0.98);
  EXPECT_FALSE(parse_param_value(ParamType::ratio, "-1").ok());
  EXPECT_FALSE(parse_param_value(ParamType::ratio, "9x").ok());
  EXPECT_EQ(parse_param_value(ParamType::days, "15")->integer, 15);
  EXPECT_FALSE(parse_param_value(ParamType::days, "-3").ok());
  EXPECT_FALSE(parse_param_value(ParamType::integer, "1-2").ok());
  EXPECT_EQ(parse_param_value(ParamType::integer, "-2")->integer, -2);
  EXPECT_EQ(parse_param_value(ParamType::date, "1970-01-11")->integer, 10);
  EXPECT_FALSE(parse_param_value(ParamType::date, "2025-02-30").ok());
  EXPECT_EQ(parse_param_value(ParamType::text_list, " a, b ,,c")->list,
            (std::vector<std::string>{"a", "b", "c"}));
  for (auto [type, text] :
       std::vector<std::pair<ParamType, std::string>>{{ParamType::money, "100000.00"},
                                                      {ParamType::days, "30"},
                                                      {ParamType::date, "2025-03-01"},
                                                      {ParamType::text_list, "spouse,parent"},
                                                      {ParamType::ratio, "0.9"}}) {
    auto v = parse_param_value(type, text);
    ASSERT_TRUE(v.ok()) << text;
    EXPECT_EQ(format_param_value(*v), text);
  }
}

TEST(ParamResolver, TheMostSpecificOverrideWins) {
  auto rule = parse_rule(kS01, "S01.yaml");
  ASSERT_TRUE(rule.ok());
  auto days = [](std::int64_t n) {
    ParamSetting v;
    v.type = ParamType::days;
    v.integer = n;
    return v;
  };
  ParamResolver resolver(*rule, {
                                    {"S01", "grace_days", "330782000000", days(5)},   // county
                                    {"S01", "grace_days", "330782001000", days(7)},   // town
                                    {"S01", "grace_days", "330782001001", days(9)},   // village
                                    {"S02", "grace_days", "330782001002", days(99)},  // other rule
                                    {"S01", "nope", "330782001002", days(99)},  // no such param
                                });
  EXPECT_FALSE(resolver.uniform());
  auto grace = [&](const char* region) {
    for (const auto& p : resolver.resolve(region)) {
      if (p.def->name == "grace_days") return std::make_pair(p.value.integer, p.source);
    }
    return std::make_pair(std::int64_t{-1}, std::string());
  };
  EXPECT_EQ(grace("330782001001"), std::make_pair(std::int64_t{9}, std::string("330782001001")));
  EXPECT_EQ(grace("330782001002"), std::make_pair(std::int64_t{7}, std::string("330782001000")));
  EXPECT_EQ(grace("330782002001"), std::make_pair(std::int64_t{5}, std::string("330782000000")));
  EXPECT_EQ(grace("330783001001"), std::make_pair(std::int64_t{0}, std::string("default")));
  // Parameters without overrides keep their defaults.
  for (const auto& p : resolver.resolve("330782001001")) {
    if (p.def->name == "min_amount") {
      EXPECT_EQ(p.value.integer, 100050);
      EXPECT_EQ(p.source, "default");
    }
  }
  EXPECT_TRUE(ParamResolver(*rule, {}).uniform());
}

}  // namespace
}  // namespace mingjing::rules
