// Reading warnings: filters, scopes, pagination, the queue's counts and
// per-rule precision.
#include <gtest/gtest.h>

#include <algorithm>

#include "warnings/warnings_test_fixture.h"

namespace mingjing::warnings::testing {
namespace {

class DbWarningsQueries : public WarningsFixture {
 protected:
  DbWarningsQueries() {
    // Town A: three finance warnings in A1 (one red), one project warning in
    // A2. Town B: one labour warning. A department warning in A2.
    apply(rule("F01", "village"), {hit("F01", "f1", kVillageA1), hit("F01", "f2", kVillageA1),
                                   hit("F01", "f3", kVillageA1, 1, "red")});
    apply(rule("P03", "village"), {hit("P03", "p1", kVillageA2)});
    apply(rule("L01", "village"), {hit("L01", "l1", kVillageB1, 1, "red")});
    Hit dept = hit("S04", "s1", kVillageA2);
    dept.programme = "dibao";
    apply(rule("S04", "department"), {dept});
  }
  void apply(const RuleRouting& r, const std::vector<Hit>& hits) {
    EXPECT_TRUE(store.apply(r, ApplyScope::all(), hits, day("2025-09-29")).ok());
  }
  std::vector<std::string> keys(const Actor& who, ListFilter f) {
    auto page = store.list(who, f);
    EXPECT_TRUE(page.ok()) << (page.ok() ? "" : page.error().message);
    std::vector<std::string> out;
    if (page.ok()) {
      for (const auto& w : page->items) out.push_back(w.dedup_key);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  using Keys = std::vector<std::string>;
};

TEST_F(DbWarningsQueries, EachRoleSeesItsOwnSubtreeOrProgrammes) {
  EXPECT_EQ(keys(as("county_jw"), {}), (Keys{"f1", "f2", "f3", "l1", "p1", "s1"}));
  EXPECT_EQ(keys(as("townA_jw"), {}), (Keys{"f1", "f2", "f3", "p1", "s1"}));
  EXPECT_EQ(keys(as("townB_jw"), {}), (Keys{"l1"}));
  EXPECT_EQ(keys(as("a1_secretary"), {}), (Keys{"f1", "f2", "f3"}));
  EXPECT_EQ(keys(as("a1_member"), {}), (Keys{"f1", "f2", "f3"}));
  EXPECT_EQ(keys(as("dept_mz"), {}), (Keys{"s1"}));
  EXPECT_EQ(keys(as("dept_ny"), {}), (Keys{}));
  auto refused = store.list(as("a1_bookkeeper"), {});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "forbidden");
  EXPECT_EQ(refused.error().message, "当前角色无权查看预警");
}

TEST_F(DbWarningsQueries, FiltersCombine) {
  const Actor& county = as("county_jw");
  ListFilter f;
  f.severity = "red";
  EXPECT_EQ(keys(county, f), (Keys{"f3", "l1"}));
  f = {};
  f.category = "F";
  EXPECT_EQ(keys(county, f), (Keys{"f1", "f2", "f3"}));
  f.category = "finance";
  EXPECT_EQ(keys(county, f), (Keys{"f1", "f2", "f3"}));
  f.category = "p";
  EXPECT_EQ(keys(county, f), (Keys{"p1"}));
  f = {};
  f.rule_id = "L01";
  EXPECT_EQ(keys(county, f), (Keys{"l1"}));
  f = {};
  f.region = kVillageA2;
  EXPECT_EQ(keys(county, f), (Keys{"p1", "s1"}));
  f = {};
  f.routed_body = "town_discipline";  // the red ones
  EXPECT_EQ(keys(county, f), (Keys{"f3", "l1"}));

  ASSERT_TRUE(store.accept(as("a1_secretary"), warning_id("F01", "f1")).ok());
  ASSERT_TRUE(
      store.close(as("a1_secretary"), warning_id("F01", "f2"), {"confirmed", "", "", ""}).ok());
  f = {};
  f.statuses = {"new"};
  EXPECT_EQ(keys(county, f), (Keys{"f3", "l1", "p1", "s1"}));
  f.statuses = {"handling", "closed"};
  EXPECT_EQ(keys(county, f), (Keys{"f1", "f2"}));
  f.category = "F";
  f.statuses = {"closed"};
  EXPECT_EQ(keys(county, f), (Keys{"f2"}));

  // Deadlines are 2025-10-13 (five workdays from 09-29): overdue from 10-14.
  f = {};
  f.overdue = true;
  EXPECT_EQ(keys(county, f), (Keys{}));
  clock.set(core::DateTime::from_local(day("2025-10-14"), 8));
  EXPECT_EQ(keys(county, f), (Keys{"f1", "f3", "l1", "p1", "s1"}));  // not the closed f2
  f.severity = "red";
  EXPECT_EQ(keys(county, f), (Keys{"f3", "l1"}));

  ASSERT_TRUE(store.assign(as("a1_secretary"), warning_id("F01", "f1"), uid("a1_director")).ok());
  f = {};
  f.assigned_to_me = true;
  EXPECT_EQ(keys(as("a1_director"), f), (Keys{"f1"}));
  EXPECT_EQ(keys(as("a1_secretary"), f), (Keys{}));
}

TEST_F(DbWarningsQueries, BadFiltersAreClearErrors) {
  auto check = [&](ListFilter f, const std::string& message, const std::string& field,
                   const std::string& code = "invalid_argument") {
    auto r = store.list(as("townA_jw"), f);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, code);
    EXPECT_EQ(r.error().message, message);
    EXPECT_EQ(r.error().field, field);
  };
  ListFilter f;
  f.category = "X";
  check(f, "预警类别应为P、F、A、S、L、D、E之一或其英文名称", "category");
  f = {};
  f.statuses = {"open"};
  check(f, "预警状态应为new、handling或closed", "status");
  f = {};
  f.severity = "orange";
  check(f, "预警等级应为red或yellow", "severity");
  f = {};
  f.region = "3307";
  check(f, "区划代码应为12位数字", "region");
  f = {};
  f.region = kTownB;
  check(f, "无权查看该区域的预警", "", "forbidden");
  f = {};
  f.page = 0;
  check(f, "页码应从1开始", "page");
  f = {};
  f.page_size = 500;
  check(f, "每页条数应在1到200之间", "page_size");
}

TEST_F(DbWarningsQueries, PagesAreNewestFirstWithTheTotal) {
  ListFilter f;
  f.page_size = 4;
  auto first = store.list(as("county_jw"), f);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->total, 6);
  ASSERT_EQ(first->items.size(), 4u);
  EXPECT_EQ(first->items[0].dedup_key, "s1");
  EXPECT_GT(first->items[0].id, first->items[1].id);
  f.page = 2;
  auto second = store.list(as("county_jw"), f);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->items.size(), 2u);
  EXPECT_EQ(second->items[1].dedup_key, "f1");
  f.page = 3;
  EXPECT_TRUE(store.list(as("county_jw"), f)->items.empty());
}

TEST_F(DbWarningsQueries, CountsByCategoryAndStatusAndByRegionOneLevelDown) {
  ASSERT_TRUE(store.accept(as("a1_secretary"), warning_id("F01", "f1")).ok());
  ASSERT_TRUE(
      store.close(as("a1_secretary"), warning_id("F01", "f2"), {"confirmed", "", "", ""}).ok());
  auto c = store.counts(as("county_jw"), {});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->total.status_new, 4);
  EXPECT_EQ(c->total.status_handling, 1);
  EXPECT_EQ(c->total.status_closed, 1);
  EXPECT_EQ(c->by_category.size(), 7u);
  EXPECT_EQ(c->by_category["finance"].status_new, 1);
  EXPECT_EQ(c->by_category["finance"].status_handling, 1);
  EXPECT_EQ(c->by_category["finance"].status_closed, 1);
  EXPECT_EQ(c->by_category["projects"].total(), 1);
  EXPECT_EQ(c->by_category["labor"].total(), 1);
  EXPECT_EQ(c->by_category["subsidies"].total(), 1);
  EXPECT_EQ(c->by_category["assets"].total(), 0);
  // Under the county: the towns.
  ASSERT_EQ(c->by_region.size(), 2u);
  EXPECT_EQ(c->by_region[0].region_code, kTownA);
  EXPECT_EQ(c->by_region[0].name, "稠城街道");
  EXPECT_EQ(c->by_region[0].counts.total(), 5);
  EXPECT_EQ(c->by_region[0].counts.status_closed, 1);
  EXPECT_EQ(c->by_region[1].region_code, kTownB);
  EXPECT_EQ(c->by_region[1].counts.status_new, 1);
  // Under a town: its villages.
  auto t = store.counts(as("townA_jw"), {});
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->by_region.size(), 2u);
  EXPECT_EQ(t->by_region[0].region_code, kVillageA1);
  EXPECT_EQ(t->by_region[0].name, "江滨社区");
  EXPECT_EQ(t->by_region[0].counts.total(), 3);
  EXPECT_EQ(t->by_region[1].region_code, kVillageA2);
  EXPECT_EQ(t->by_region[1].counts.total(), 2);
  // Filters narrow the counts; a department counts its own.
  ListFilter red;
  red.severity = "red";
  EXPECT_EQ(store.counts(as("county_jw"), red)->total.total(), 2);
  EXPECT_EQ(store.counts(as("dept_mz"), {})->total.total(), 1);
}

TEST_F(DbWarningsQueries, OneWarningWithItsTimelineAndWhatTheCallerMayDo) {
  long long id = warning_id("F01", "f1");
  ASSERT_TRUE(store.add_note(as("a1_secretary"), id, "核实中").ok());
  auto d = store.get(as("a1_secretary"), id);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->warning.explanation, "测试预警f1");
  ASSERT_EQ(d->timeline.size(), 2u);
  EXPECT_EQ(d->timeline[0].action, "created");
  EXPECT_EQ(d->timeline[0].username, "rules");
  EXPECT_EQ(d->timeline[1].note, "核实中");
  EXPECT_TRUE(d->can_handle);
  EXPECT_FALSE(d->can_judge);
  EXPECT_FALSE(d->exception.has_value());
  auto town = store.get(as("townA_jw"), id);
  ASSERT_TRUE(town.ok());
  EXPECT_TRUE(town->can_judge);
  auto leader = store.get(as("townA_leader"), id);
  ASSERT_TRUE(leader.ok());
  EXPECT_FALSE(leader->can_handle);
  auto other = store.get(as("townB_jw"), id);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, "not_found");
}

TEST_F(DbWarningsQueries, PrecisionComesFromVerdictsLeavingExceptionsOut) {
  auto f = [&](const char* key) { return warning_id("F01", key); };
  // No verdict yet: no row for the rule.
  EXPECT_TRUE(store.precision(as("county_jw"), "F01")->empty());
  ASSERT_TRUE(store.close(as("county_jw"), f("f1"), {"confirmed", "", "", ""}).ok());
  ASSERT_TRUE(store.close(as("county_jw"), f("f2"), {"rectified", "", "", ""}).ok());
  auto p = store.precision(as("county_jw"), "F01");
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->size(), 1u);
  EXPECT_EQ((*p)[0].precision, 1.0);
  ASSERT_TRUE(store.close(as("county_jw"), f("f3"), {"false_positive", "重复导入", "", ""}).ok());
  ASSERT_TRUE(store
                  .close(as("county_jw"), warning_id("P03", "p1"),
                         {"exception", "应急抢修", "李主任", "2025-12-31"})
                  .ok());
  p = store.precision(as("county_jw"));
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->size(), 2u);
  const RulePrecision& f01 = (*p)[0];
  EXPECT_EQ(f01.rule_id, "F01");
  EXPECT_EQ(f01.confirmed, 1);
  EXPECT_EQ(f01.rectified, 1);
  EXPECT_EQ(f01.false_positive, 1);
  ASSERT_TRUE(f01.precision.has_value());
  EXPECT_DOUBLE_EQ(*f01.precision, 2.0 / 3.0);
  const RulePrecision& p03 = (*p)[1];
  EXPECT_EQ(p03.rule_id, "P03");
  EXPECT_EQ(p03.exception, 1);
  EXPECT_FALSE(p03.precision.has_value());
  // Scoped like every read: town B has judged nothing.
  EXPECT_TRUE(store.precision(as("townB_jw"))->empty());
  // Reopening takes a verdict out of the count.
  ASSERT_TRUE(store.reopen(as("county_jw"), f("f3"), "复核").ok());
  EXPECT_EQ(*store.precision(as("county_jw"), "F01")->at(0).precision, 1.0);
}

}  // namespace
}  // namespace mingjing::warnings::testing
