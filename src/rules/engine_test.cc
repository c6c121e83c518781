// The engine in each of its five shapes, through rules written as YAML with
// embedded cases (positive, near miss, missing data), which run_rule_tests()
// executes exactly as `mingjing rules test` does; then the things cases
// cannot show: not-evaluated counts, parameters per region with their
// source, compile errors at the rule's line, and incremental evaluation
// giving the same warnings as a batch run.
#include "rules/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/date.h"
#include "core/workday_calendar.h"
#include "imports/validate.h"
#include "privacy/privacy.h"

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

// Adds rows (column -> cell text, as in an import file) to a store.
void load(FactStore& facts, const std::string& dataset,
          const std::vector<std::map<std::string, std::string>>& rows) {
  privacy::Vault vault = privacy::Vault::from_key({});
  const auto* spec = imports::find_dataset(dataset);
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

void expect_cases_pass(const std::string& yaml) {
  RuleDef rule = parsed(yaml);
  auto failures = run_rule_tests(rule, calendar());
  for (const auto& f : failures) ADD_FAILURE() << f;
}

// match: a subsidy paid after the recipient's death.
const char* kS01 = R"(id: S01
status: active
title: 补贴对象死亡后仍在发放
category: subsidies
severity: red
basis: 民政死亡数据比对
routing: town_discipline
params:
  grace_days: {type: days, default: 0, title: 宽限天数}
shape: match
from: subsidies as s
join:
  - {dataset: deaths, as: d, on: "s.recipient_id_number == d.id_number"}
where: s.paid_at > d.death_date + params.grace_days
explain: "{s.recipient_id_number.mask}于{d.death_date}死亡，{s.paid_at}仍发放{s.amount}"
evidence: {death_date: d.death_date, amount: s.amount}
tests:
  - name: 死亡后发放
    data:
      deaths: [{id_number: 11010519491231002X, death_date: 2025-01-10}]
      subsidies:
        - {id: SB1, program_code: DB, department: 民政局, recipient_id_number: 11010519491231002X,
           village_code: 330782001001, amount: 300, paid_at: 2025-02-01 09:00}
        - {id: SB2, program_code: DB, department: 民政局, recipient_id_number: 110105198001011238,
           village_code: 330782001001, amount: 300, paid_at: 2025-02-01 09:00}
    expect: [[subsidies:SB1, deaths:11010519491231002X]]
  - name: 死亡当天发放不预警
    data:
      deaths: [{id_number: 11010519491231002X, death_date: 2025-01-10}]
      subsidies:
        - {id: SB1, program_code: DB, department: 民政局, recipient_id_number: 11010519491231002X,
           village_code: 330782001001, amount: 300, paid_at: 2025-01-10 23:00}
    expect: []
  - name: 宽限期内不预警
    params: {grace_days: 30}
    data:
      deaths: [{id_number: 11010519491231002X, death_date: 2025-01-10}]
      subsidies:
        - {id: SB1, program_code: DB, department: 民政局, recipient_id_number: 11010519491231002X,
           village_code: 330782001001, amount: 300, paid_at: 2025-02-01 09:00}
    expect: []
  - name: 无死亡数据
    data:
      subsidies:
        - {id: SB1, program_code: DB, department: 民政局, recipient_id_number: 11010519491231002X,
           village_code: 330782001001, amount: 300, paid_at: 2025-02-01 09:00}
    expect: []
)";

TEST(Engine, MatchRuleCases) {
  expect_cases_pass(kS01);
}

TEST(Engine, ACaseThatFailsSaysWhatWasExpectedAndFound) {
  std::string wrong = kS01;
  wrong.replace(wrong.find("expect: [[subsidies:SB1, deaths:11010519491231002X]]"),
                std::string("expect: [[subsidies:SB1, deaths:11010519491231002X]]").size(),
                "expect: [[subsidies:SB2]]");
  auto failures = run_rule_tests(parsed(wrong), calendar());
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_NE(failures[0].find("死亡后发放"), std::string::npos) << failures[0];
  EXPECT_NE(failures[0].find("subsidies:SB2"), std::string::npos) << failures[0];
  EXPECT_NE(failures[0].find("实际命中"), std::string::npos) << failures[0];
}

// record: a cash payment over the limit.
const char* kF01 = R"(id: F01
status: active
title: 现金支付超限
category: finance
severity: yellow
basis: 现金管理规定
routing: village
params:
  limit: {type: money, default: 1000, title: 现金限额}
shape: record
from: payments as p
where: p.method == 'cash' and p.amount > params.limit
explain: "现金支付{p.amount}，超过限额{params.limit}"
tests:
  - name: 超限现金
    data:
      payments:
        - {id: ZC1, village_code: 330782001001, category: 办公, payee_name: 张三, amount: 1000.01, method: cash, applied_at: 2025-03-01}
        - {id: ZC2, village_code: 330782001001, category: 办公, payee_name: 张三, amount: 1000.00, method: cash, applied_at: 2025-03-01}
        - {id: ZC3, village_code: 330782001001, category: 办公, payee_name: 张三, amount: 5000, method: transfer, applied_at: 2025-03-01}
    expect: [[payments:ZC1]]
)";

TEST(Engine, RecordRuleCases) {
  expect_cases_pass(kF01);
}

// missing: an outgoing bank line with no payment of that amount within 15 days.
const char* kF07 = R"(id: F07
status: active
title: 银行支出无对应账务
category: finance
severity: yellow
basis: 账外资金
routing: village
params:
  days: {type: days, default: 15, title: 匹配天数}
shape: missing
from: bank_transactions as b
where: b.direction == 'out'
without:
  dataset: payments
  as: p
  on: "b.amount == p.amount and p.village_code == b.region"
  where: abs(days(p.applied_at, b.time)) <= params.days
explain: "{b.time}支出{b.amount}无对应支出记录"
tests:
  - name: 无对应支出
    data:
      accounts: [{account_no: 6222021234567890123, village_code: 330782001001}]
      payments:
        - {id: ZC1, village_code: 330782001001, category: 办公, payee_name: 张三, amount: 500, method: transfer, applied_at: 2025-03-01}
      bank_transactions:
        - {id: T1, account_no: 6222021234567890123, time: 2025-03-10 10:00, direction: out, amount: 500}
        - {id: T2, account_no: 6222021234567890123, time: 2025-03-17 10:00, direction: out, amount: 500}
        - {id: T3, account_no: 6222021234567890123, time: 2025-03-10 10:00, direction: out, amount: 700}
        - {id: T4, account_no: 6222021234567890123, time: 2025-03-10 10:00, direction: in, amount: 900}
    expect: [[bank_transactions:T2], [bank_transactions:T3]]
)";

TEST(Engine, MissingRuleCases) {
  expect_cases_pass(kF07);
}

// window: splitting a project below the tender threshold.
const char* kP01 = R"(id: P01
status: active
title: 工程拆分规避招标
category: projects
severity: red
basis: 村级工程招投标
routing: town_discipline
params:
  threshold: {type: money, default: 100000, title: 招标限额}
shape: window
from: projects as p
where: present(p.contract_amount) and p.contract_amount < params.threshold
group: [p.village_code, p.category]
time: p.contract_signed_at
window: {months: 12}
having: count() >= 2 and sum(p.contract_amount) >= params.threshold
explain: "{latest.village_code}在12个月内签订{count()}份合同，合计{sum(p.contract_amount)}"
evidence: {total: sum(p.contract_amount), contracts: count()}
tests:
  - name: 两份合同合计超过限额
    data:
      projects:
        - {id: G1, village_code: 330782001001, name: 道路一期, category: works, estimated_amount: 60000, method: direct, contract_amount: 60000, contract_signed_at: 2025-01-10}
        - {id: G2, village_code: 330782001001, name: 道路二期, category: works, estimated_amount: 50000, method: direct, contract_amount: 50000, contract_signed_at: 2025-06-10}
        - {id: G3, village_code: 330782001001, name: 道路三期, category: works, estimated_amount: 50000, method: direct, contract_amount: 50000, contract_signed_at: 2025-09-10}
        - {id: G9, village_code: 330782001001, name: 路灯, category: goods, estimated_amount: 60000, method: direct, contract_amount: 60000, contract_signed_at: 2025-06-10}
    expect: [[projects:G1, projects:G2, projects:G3]]
  - name: 相隔超过12个月
    data:
      projects:
        - {id: G1, village_code: 330782001001, name: 道路一期, category: works, estimated_amount: 60000, method: direct, contract_amount: 60000, contract_signed_at: 2024-01-10}
        - {id: G2, village_code: 330782001001, name: 道路二期, category: works, estimated_amount: 50000, method: direct, contract_amount: 50000, contract_signed_at: 2025-01-10}
    expect: []
  - name: 合计差一分
    data:
      projects:
        - {id: G1, village_code: 330782001001, name: 道路一期, category: works, estimated_amount: 60000, method: direct, contract_amount: 60000, contract_signed_at: 2025-01-10}
        - {id: G2, village_code: 330782001001, name: 道路二期, category: works, estimated_amount: 40000, method: direct, contract_amount: 39999.99, contract_signed_at: 2025-06-10}
    expect: []
)";

TEST(Engine, WindowRuleCases) {
  expect_cases_pass(kP01);
}

// deadline: a lease about to end (yellow) or ended (red).
const char* kA01 = R"(id: A01
status: active
title: 合同即将到期或已到期
category: assets
severity: yellow
basis: 合同到期预警
routing: village
params:
  notice: {type: days, default: 60, title: 提前天数}
shape: deadline
from: leases as l
due: l.end_date
warn_before: params.notice
explain: "{l.asset_name}合同于{l.end_date}到期"
tests:
  - name: 到期与即将到期
    as_of: 2025-06-30
    data:
      leases:
        - {id: L1, village_code: 330782001001, asset_name: 鱼塘, lessee_name: 张三, start_date: 2020-01-01, end_date: 2025-08-29, annual_rent: 1000}
        - {id: L2, village_code: 330782001001, asset_name: 厂房, lessee_name: 李四, start_date: 2020-01-01, end_date: 2025-08-30, annual_rent: 1000}
        - {id: L3, village_code: 330782001001, asset_name: 林地, lessee_name: 王五, start_date: 2020-01-01, end_date: 2025-06-29, annual_rent: 1000}
    expect: [[leases:L1], [leases:L3]]
)";

TEST(Engine, DeadlineRuleCasesAndSeverity) {
  expect_cases_pass(kA01);
  // The severities: L1 yellow (60 days ahead), L3 red (past).
  RuleDef rule = parsed(kA01);
  FactStore facts = FactStore::empty();
  load(facts, "leases", rule.tests[0].data.at("leases"));
  std::vector<RuleDef> rules = {rule};
  auto engine = Engine::compile(rules, facts, {}, calendar());
  ASSERT_TRUE(engine.ok()) << engine.error().message;
  auto runs = engine->run(facts, core::Date::from_ymd(2025, 6, 30).days_since_epoch());
  ASSERT_EQ(runs.size(), 1u);
  std::map<std::string, std::string> severity;
  for (const auto& h : runs[0].hits) severity[h.subjects[0].record_key] = h.severity;
  EXPECT_EQ(severity, (std::map<std::string, std::string>{{"L1", "yellow"}, {"L3", "red"}}));
  for (const auto& h : runs[0].hits) {
    if (h.subjects[0].record_key == "L1") {
      EXPECT_EQ(h.evidence["days_to_due"], 60);
      EXPECT_EQ(h.explanation, "鱼塘合同于2025-08-29到期");
      ASSERT_EQ(h.params.size(), 1u);
      EXPECT_EQ(h.params[0].name, "notice");
      EXPECT_EQ(h.params[0].value, 60);
      EXPECT_EQ(h.params[0].source, "default");
    }
  }
}

// window with outlier: a village whose bids are disqualified far more often
// than its peers'.
const char* kP11 = R"yaml(id: P11
status: active
title: 废标率异常
category: projects
severity: yellow
basis: cardinal R038
routing: town_discipline
shape: window
from: bids as b
group: [b.region]
having: distinct(b.project_id) >= 2
outlier: {value: "sum(b.status == 'disqualified' ? 1 : 0) / count()", side: high}
explain: "{latest.region}废标率{sum(b.status == 'disqualified' ? 1 : 0) / count()}"
tests:
  - name: 无数据
    expect: []
)yaml";

// No payments loaded at all: no bank line is "without" one; all are not
// evaluated.
TEST(Engine, AMissingRuleWithNoCounterpartDataJudgesNothing) {
  RuleDef rule = parsed(kF07);
  FactStore facts = FactStore::empty();
  load(facts, "accounts",
       {{{"account_no", "6222021234567890123"}, {"village_code", "330782001001"}}});
  load(facts, "bank_transactions",
       {{{"id", "T1"},
         {"account_no", "6222021234567890123"},
         {"time", "2025-03-10 10:00"},
         {"direction", "out"},
         {"amount", "500"}}});
  std::vector<RuleDef> rules = {rule};
  auto engine = Engine::compile(rules, facts, {}, calendar());
  ASSERT_TRUE(engine.ok()) << engine.error().message;
  auto runs = engine->run(facts, 20300);
  EXPECT_TRUE(runs[0].hits.empty());
  std::size_t unknown = 0;
  for (const auto& n : runs[0].not_evaluated) unknown += n.records;
  EXPECT_EQ(unknown, 1u);
}

TEST(Engine, OutlierRuleUsesTukeyFencesOverAllGroups) {
  FactStore facts = FactStore::empty();
  // Six villages, two projects each, four bids a project; village 6
  // disqualifies seven of eight bids, the others one or two.
  std::vector<std::map<std::string, std::string>> projects, bids;
  for (int v = 1; v <= 6; ++v) {
    const std::string village = "33078200100" + std::to_string(v);
    for (int p = 1; p <= 2; ++p) {
      const std::string id = "P" + std::to_string(v) + std::to_string(p);
      projects.push_back({{"id", id},
                          {"village_code", village},
                          {"name", "工程"},
                          {"category", "works"},
                          {"estimated_amount", "100000"},
                          {"method", "open_tender"}});
      for (int b = 1; b <= 4; ++b) {
        const int disqualified = v == 6 ? 7 : (v % 2 ? 1 : 2);
        const bool out = (p - 1) * 4 + b <= disqualified;
        bids.push_back({{"project_id", id},
                        {"bidder_uscc", b == 1   ? "91350100M000100Y43"
                                        : b == 2 ? "91330782MA2HX1K07M"
                                        : b == 3 ? "913307827739025141"
                                                 : "92330782MA2KC5N9XF"},
                        {"amount", std::to_string(90000 + b)},
                        {"submitted_at", "2025-03-01"},
                        {"status", out ? "disqualified" : "valid"}});
      }
    }
  }
  load(facts, "projects", projects);
  load(facts, "bids", bids);
  std::vector<RuleDef> rules = {parsed(kP11)};
  auto engine = Engine::compile(rules, facts, {}, calendar());
  ASSERT_TRUE(engine.ok()) << engine.error().message;
  auto runs = engine->run(facts, core::Date::from_ymd(2025, 12, 31).days_since_epoch());
  ASSERT_EQ(runs.size(), 1u);
  ASSERT_EQ(runs[0].hits.size(), 1u);
  const auto& hit = runs[0].hits[0];
  EXPECT_EQ(hit.region_code, "330782001006");
  EXPECT_EQ(hit.subjects.size(), 8u);  // every bid of the village
  // Ratios 1/8 ×3 and 2/8 ×2 and 7/8: type 8 quartiles of
  // [.125 .125 .125 .25 .25 .875] are Q1 = .125 and Q3 = .2917.
  EXPECT_DOUBLE_EQ(hit.evidence["q1"].get<double>(), 0.125);
  EXPECT_NEAR(hit.evidence["q3"].get<double>(), 0.25 + (1.0 / 12.0) * (0.875 - 0.25), 1e-9);
  EXPECT_GT(hit.evidence["value"].get<double>(), hit.evidence["upper_fence"].get<double>());
  EXPECT_EQ(runs[0].evaluated, 6u);
}

TEST(Engine, MissingDataIsCountedNotPassed) {
  FactStore facts = FactStore::empty();
  // A rule on optional columns: a project without its final amount (or
  // contract amount) cannot be judged.
  const std::string rule_yaml = R"(id: P18
status: active
title: 决算超合同
category: projects
severity: yellow
basis: 决算审计
routing: village
shape: record
from: projects as p
where: p.final_amount > p.contract_amount * 1.1
explain: "{p.name}决算{p.final_amount}"
tests:
  - {name: 无数据, expect: []}
)";
  load(facts, "projects",
       {{{"id", "G1"},
         {"village_code", "330782001001"},
         {"name", "道路"},
         {"category", "works"},
         {"estimated_amount", "100000"},
         {"method", "direct"},
         {"contract_amount", "100000"},
         {"final_amount", "120000"}},
        {{"id", "G2"},
         {"village_code", "330782001001"},
         {"name", "路灯"},
         {"category", "works"},
         {"estimated_amount", "100000"},
         {"method", "direct"},
         {"contract_amount", "100000"}},
        {{"id", "G3"},
         {"village_code", "330782001002"},
         {"name", "桥"},
         {"category", "works"},
         {"estimated_amount", "100000"},
         {"method", "direct"}}});
  std::vector<RuleDef> rules = {parsed(rule_yaml)};
  auto engine = Engine::compile(rules, facts, {}, calendar());
  ASSERT_TRUE(engine.ok()) << engine.error().message;
  auto runs = engine->run(facts, 20000);
  ASSERT_EQ(runs[0].hits.size(), 1u);
  EXPECT_EQ(runs[0].evaluated, 1u);
  std::map<std::string, std::size_t> unknown;
  for (const auto& n : runs[0].not_evaluated) unknown[n.region_code] = n.records;
  EXPECT_EQ(unknown,
            (std::map<std::string, std::size_t>{{"330782001001", 1}, {"330782001002", 1}}));
}

TEST(Engine, ParametersResolvePerRegionAndSayWhereFrom) {
  FactStore facts = FactStore::empty();
  auto payment = [](const char* id, const char* village, const char* amount) {
    return std::map<std::string, std::string>{{"id", id},
                                              {"village_code", village},
                                              {"category", "办公"},
                                              {"payee_name", "张三"},
                                              {"amount", amount},
                                              {"method", "cash"},
                                              {"applied_at", "2025-03-01"}};
  };
  load(facts, "payments",
       {payment("A", "330782001001", "1500"), payment("B", "330782001002", "1500"),
        payment("C", "330782002001", "1500")});
  std::vector<RuleDef> rules = {parsed(kF01)};
  ParamSetting two_thousand{ParamType::money, 200000, 0, "", {}};
  auto engine =
      Engine::compile(rules, facts, {{"F01", "limit", "330782001000", two_thousand}}, calendar());
  ASSERT_TRUE(engine.ok()) << engine.error().message;
  auto runs = engine->run(facts, 20000);
  ASSERT_EQ(runs[0].hits.size(), 1u);  // town 001 allows 2,000 yuan in cash
  const auto& hit = runs[0].hits[0];
  EXPECT_EQ(hit.subjects[0].record_key, "C");
  ASSERT_EQ(hit.params.size(), 1u);
  EXPECT_EQ(hit.params[0].value, 100000);
  EXPECT_EQ(hit.params[0].source, "default");
  EXPECT_EQ(hit.explanation, "现金支付1,500.00元，超过限额1,000.00元");
}

TEST(Engine, CompileErrorsPointAtTheRuleLine) {
  std::string bad = kF01;
  bad.replace(bad.find("p.amount > params.limit"), std::string("p.amount > params.limit").size(),
              "p.amout > params.limit");
  FactStore facts = FactStore::empty();
  std::vector<RuleDef> rules = {parsed(bad)};
  auto engine = Engine::compile(rules, facts, {}, calendar());
  ASSERT_FALSE(engine.ok());
  EXPECT_NE(engine.error().message.find("test.yaml:12:"), std::string::npos)
      << engine.error().message;
  EXPECT_NE(engine.error().message.find("p.amout"), std::string::npos) << engine.error().message;

  std::string no_key = kS01;
  no_key.replace(no_key.find("on: \"s.recipient_id_number == d.id_number\""),
                 std::string("on: \"s.recipient_id_number == d.id_number\"").size(),
                 "on: \"s.amount > yuan(1)\"");
  std::vector<RuleDef> rules2 = {parsed(no_key)};
  auto engine2 = Engine::compile(rules2, facts, {}, calendar());
  ASSERT_FALSE(engine2.ok());
  EXPECT_EQ(engine2.error().field, "join.on");
}

// Incremental evaluation gives the warnings a batch run gives: the records
// arrive one at a time, each followed by run_for() on its dataset; the last
// hit seen per case equals the batch run's hits over everything.
TEST(Engine, IncrementalMatchesBatch) {
  std::vector<RuleDef> rules = {parsed(kS01), parsed(kF01), parsed(kF07), parsed(kP01),
                                parsed(kA01)};
  struct Row {
    std::string dataset;
    std::map<std::string, std::string> cells;
  };
  std::vector<Row> rows;
  for (const auto& rule : rules) {
    for (const auto& test : rule.tests) {
      // Keep ids unique across cases.
      const std::string suffix = rule.id + std::to_string(&test - rule.tests.data());
      for (const auto& [dataset, table] : test.data) {
        for (auto cells : table) {
          if (cells.contains("id")) cells["id"] += suffix;
          rows.push_back({dataset, cells});
        }
      }
    }
  }
  // Parents first (accounts before their bank lines), otherwise file order.
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return (a.dataset == "accounts") > (b.dataset == "accounts");
  });
  const std::int64_t as_of = core::Date::from_ymd(2025, 6, 30).days_since_epoch();
  privacy::Vault vault = privacy::Vault::from_key({});

  FactStore batch_facts = FactStore::empty();
  for (const auto& r : rows) load(batch_facts, r.dataset, {r.cells});
  auto batch_engine = Engine::compile(rules, batch_facts, {}, calendar());
  ASSERT_TRUE(batch_engine.ok()) << batch_engine.error().message;
  std::map<std::string, std::string> batch;  // rule|dedup -> subjects and explanation
  auto describe = [](const warnings::Hit& h) {
    std::string s = h.severity + " " + h.explanation;
    for (const auto& x : h.subjects) s += " " + x.dataset + ":" + x.record_key;
    return s;
  };
  for (const auto& run : batch_engine->run(batch_facts, as_of)) {
    for (const auto& h : run.hits) batch[h.rule_id + "|" + h.dedup_key] = describe(h);
  }
  EXPECT_GE(batch.size(), 6u);

  FactStore facts = FactStore::empty();
  auto engine = Engine::compile(rules, facts, {}, calendar());
  ASSERT_TRUE(engine.ok());
  std::map<std::string, std::string> incremental;
  for (const auto& r : rows) {
    const auto* spec = imports::find_dataset(r.dataset);
    std::vector<std::string> header, cells;
    for (const auto& [k, v] : r.cells) {
      header.push_back(k);
      cells.push_back(v);
    }
    auto parsed_row = imports::parse_row(*spec, *imports::map_header(*spec, header), cells, 2);
    ASSERT_TRUE(parsed_row.ok());
    auto row = facts.upsert(*spec, parsed_row.values, vault);
    ASSERT_TRUE(row.ok());
    std::uint32_t changed[1] = {static_cast<std::uint32_t>(*row)};
    for (const auto& run : engine->run_for(facts, r.dataset, changed, as_of)) {
      // Cases about the records judged again are replaced by what holds now.
      std::set<std::string> judged;
      for (const auto& s : run.judged) judged.insert(s.dataset + ":" + s.record_key);
      std::erase_if(incremental, [&](const auto& entry) {
        if (entry.first.rfind(run.rule->id + "|", 0) != 0) return false;
        for (const auto& j : judged) {
          if (entry.second.find(" " + j) != std::string::npos) return true;
        }
        return false;
      });
      for (const auto& h : run.hits) incremental[h.rule_id + "|" + h.dedup_key] = describe(h);
    }
  }
  EXPECT_EQ(incremental, batch);
}

}  // namespace
}  // namespace mingjing::rules
