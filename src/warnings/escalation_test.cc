// Overdue warnings move up one level at a time, with a notice, an event and
// an audit entry, and never twice for the same lateness.
#include <gtest/gtest.h>

#include "audit/audit.h"
#include "warnings/warnings_test_fixture.h"

namespace mingjing::warnings::testing {
namespace {

class DbWarningsEscalation : public WarningsFixture {
 protected:
  EscalationResult escalate(const char* as_of) {
    auto r = store.escalate_overdue(day(as_of));
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : EscalationResult{};
  }
  Warning load(long long id) {
    auto d = store.get(Actor::system("t"), id);
    return d.ok() ? d->warning : Warning{};
  }
};

TEST_F(DbWarningsEscalation, AVillageCaseGoesToTheTownThenTheCountyThenNowhere) {
  // Raised 09-29 with 5 workdays: due 10-13.
  ASSERT_TRUE(store
                  .apply(rule("F05", "village", 5), ApplyScope::all(),
                         {hit("F05", "late", kVillageA1)}, day("2025-09-29"))
                  .ok());
  long long id = warning_id("F05", "late");
  ASSERT_TRUE(store.assign(as("a1_secretary"), id, uid("a1_director")).ok());
  // On the deadline day it is not overdue yet.
  EXPECT_EQ(escalate("2025-10-13").escalated, 0);
  EXPECT_EQ(load(id).routed_to.body, "village");

  long long town_before = notices_of("townA_jw");
  auto r = escalate("2025-10-14");
  EXPECT_EQ(r.escalated, 1);
  EXPECT_EQ(r.notices, 1);
  Warning w = load(id);
  EXPECT_EQ(w.routed_to.body, "town_discipline");
  EXPECT_EQ(w.routed_to.region_code, kTownA);
  EXPECT_EQ(w.escalation_level, 1);
  EXPECT_EQ(w.status, "new");
  EXPECT_FALSE(w.assignee_id.has_value());
  // 10-14 plus five workdays: 10-15, 16, 17, 20, 21.
  EXPECT_EQ(w.deadline.to_string(), "2025-10-21");
  EXPECT_EQ(notices_of("townA_jw"), town_before + 1);
  EXPECT_EQ(notices_of("townB_jw"), 0);
  EXPECT_EQ(
      text("SELECT body FROM notices WHERE kind = 'warning.escalated'"),
      "规则F05的预警（编号" + std::to_string(id) +
          "）在江滨社区村级组织逾期未办结（期限2025-10-13），已升级至稠城街道纪委，新的处理期限"
          "2025-10-21。");
  // The village body can still read it but no longer acts on it.
  EXPECT_TRUE(store.get(as("a1_secretary"), id).ok());
  auto refused = store.accept(as("a1_secretary"), id);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "forbidden");
  // Running again the same day changes nothing.
  EXPECT_EQ(escalate("2025-10-14").escalated, 0);

  ASSERT_TRUE(store.accept(as("townA_jw"), id).ok());  // handling is still open
  EXPECT_EQ(escalate("2025-10-22").escalated, 1);
  w = load(id);
  EXPECT_EQ(w.routed_to.body, "county_discipline");
  EXPECT_EQ(w.routed_to.region_code, kCounty);
  EXPECT_EQ(w.escalation_level, 2);
  EXPECT_EQ(w.status, "handling");
  EXPECT_EQ(notices_of("county_jw"), 1);

  auto top = escalate("2026-03-01");
  EXPECT_EQ(top.escalated, 0);
  EXPECT_EQ(top.at_top, 1);
  EXPECT_EQ(load(id).escalation_level, 2);

  auto d = store.get(Actor::system("t"), id);
  ASSERT_TRUE(d.ok());
  std::vector<std::string> escalations;
  for (const auto& e : d->timeline) {
    if (e.action == "escalated") escalations.push_back(e.detail["to_body"].get<std::string>());
  }
  EXPECT_EQ(escalations, (std::vector<std::string>{"town_discipline", "county_discipline"}));
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'warning.escalate'"), 2);
  EXPECT_TRUE(audit::verify(tdb.db()).ok);
}

TEST_F(DbWarningsEscalation, ADepartmentCaseGoesToTheCountyAndKeepsItsProgramme) {
  Hit h = hit("S04", "d", kVillageA1);
  h.programme = "dibao";
  ASSERT_TRUE(
      store.apply(rule("S04", "department", 3), ApplyScope::all(), {h}, day("2025-09-29")).ok());
  long long id = warning_id("S04", "d");
  EXPECT_EQ(escalate("2025-10-31").escalated, 1);
  Warning w = load(id);
  EXPECT_EQ(w.routed_to.body, "county_discipline");
  EXPECT_EQ(w.routed_to.programme, "dibao");
  EXPECT_EQ(notices_of("county_jw"), 1);
  // The department still sees its case, but it is the county's now.
  EXPECT_TRUE(store.get(as("dept_mz"), id).ok());
  EXPECT_FALSE(store.get(as("dept_mz"), id)->can_handle);
}

TEST_F(DbWarningsEscalation, ClosedWarningsNeverEscalate) {
  ASSERT_TRUE(store
                  .apply(rule("F05", "village", 1), ApplyScope::all(),
                         {hit("F05", "a", kVillageA1), hit("F05", "b", kVillageA2)},
                         day("2025-09-29"))
                  .ok());
  ASSERT_TRUE(
      store.close(as("a1_secretary"), warning_id("F05", "a"), {"rectified", "", "", ""}).ok());
  auto r = escalate("2025-12-01");
  EXPECT_EQ(r.escalated, 1);
  EXPECT_EQ(load(warning_id("F05", "a")).routed_to.body, "village");
  EXPECT_EQ(load(warning_id("F05", "b")).routed_to.body, "town_discipline");
}

}  // namespace
}  // namespace mingjing::warnings::testing
