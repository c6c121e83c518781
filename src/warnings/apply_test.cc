// WarningStore::apply: hits become warnings once, are refreshed, cleared,
// suppressed by exceptions and reopened only as warnings.h says.
#include <gtest/gtest.h>

#include "audit/audit.h"
#include "warnings/warnings_test_fixture.h"

namespace mingjing::warnings::testing {
namespace {

class DbWarningsApply : public WarningsFixture {
 protected:
  ApplyResult apply(const RuleRouting& r, const std::vector<Hit>& hits, const char* as_of,
                    const ApplyScope& scope = ApplyScope::all()) {
    auto result = store.apply(r, scope, hits, day(as_of));
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    return result.ok() ? *result : ApplyResult{};
  }
  Warning load(long long id) {
    auto d = store.get(Actor::system("test"), id);
    EXPECT_TRUE(d.ok());
    return d.ok() ? d->warning : Warning{};
  }
  std::vector<std::string> actions(long long id) {
    auto d = store.get(Actor::system("test"), id);
    std::vector<std::string> out;
    if (d.ok()) {
      for (const auto& e : d->timeline) out.push_back(e.action);
    }
    return out;
  }
  // Everything apply may write, as one text: a re-run must leave it alone.
  std::string snapshot() {
    std::string out;
    auto conn = tdb.db().connect();
    soci::rowset<soci::row> rows = conn.session().prepare
                                   << "SELECT id, status, severity, subjects, evidence, params, "
                                      "explanation, deadline, still_hit, updated_at, "
                                      "reopened_count FROM warnings ORDER BY id";
    for (const soci::row& r : rows) {
      for (std::size_t i = 0; i < r.size(); ++i) out += db::get_text(r, i) + "|";
      out += "\n";
    }
    out += std::to_string(count("SELECT COUNT(*) FROM warning_events")) + " events, ";
    out += std::to_string(count("SELECT COUNT(*) FROM audit_log")) + " audit, ";
    out += std::to_string(count("SELECT COUNT(*) FROM notices")) + " notices";
    return out;
  }
};

// A run as of a past date (backfilling) raises its warnings today: the body
// gets its full time from today, not from the evaluation date.
TEST_F(DbWarningsApply, ABackdatedRunCountsTheDeadlineFromToday) {
  apply(rule("S03", "village", 5), {hit("S03", "k1", kVillageA1)}, "2025-06-02");
  EXPECT_EQ(load(warning_id("S03", "k1")).deadline.to_string(), "2025-10-13");
}

TEST_F(DbWarningsApply, ANewKeyBecomesANewWarningRoutedWithAWorkdayDeadline) {
  auto r = apply(rule("S03", "village", 5), {hit("S03", "k1", kVillageA1)}, "2025-09-29");
  EXPECT_EQ(r.created, 1);
  EXPECT_EQ(r.open, 1);
  Warning w = load(warning_id("S03", "k1"));
  EXPECT_EQ(w.status, "new");
  EXPECT_EQ(w.category, "subsidies");
  EXPECT_EQ(w.severity, "yellow");
  EXPECT_EQ(w.routed_to.body, "village");
  EXPECT_EQ(w.routed_to.region_code, kVillageA1);
  EXPECT_EQ(w.escalation_level, 0);
  // 09-30, then the holiday to 10-08, then 10-09, 10-10, Saturday 10-11
  // (worked) and Monday 10-13.
  EXPECT_EQ(w.deadline.to_string(), "2025-10-13");
  EXPECT_EQ(w.deadline_workdays, 5);
  EXPECT_EQ(w.subjects, (std::vector<Subject>{{"subsidies", "SUB-k1"}}));
  EXPECT_EQ(w.evidence, nlohmann::json({{"amount", 100}}));
  ASSERT_EQ(w.params.size(), 1u);
  EXPECT_EQ(w.params[0].name, "limit");
  EXPECT_EQ(w.params[0].value, 50);
  EXPECT_EQ(w.params[0].source, "default");
  EXPECT_EQ(w.created_at, clock.now_unix_ms());
  EXPECT_EQ(actions(w.id), (std::vector<std::string>{"created"}));
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'warning.apply' AND "
                  "target = 'rule:S03'"),
            1);
  // One notice to each account of the village body, none to anyone else.
  for (const char* u : {"a1_secretary", "a1_director", "a1_supervisor"}) {
    EXPECT_EQ(notices_of(u), 1) << u;
  }
  for (const char* u : {"a2_secretary", "a1_bookkeeper", "a1_member", "townA_jw", "county_jw"}) {
    EXPECT_EQ(notices_of(u), 0) << u;
  }
  EXPECT_EQ(text("SELECT title FROM notices ORDER BY id LIMIT 1"), "新预警：规则S03，1条");
  EXPECT_EQ(text("SELECT body FROM notices ORDER BY id LIMIT 1"),
            "江滨社区村级组织收到规则S03的新预警1条，最早处理期限2025-10-13。");
}

TEST_F(DbWarningsApply, RoutingFollowsTheRuleSeverityAndRegion) {
  apply(rule("S03", "village"),
        {hit("S03", "yellow-village", kVillageA1),
         hit("S03", "red-village", kVillageA1, 100, "red"), hit("S03", "town-level", kTownB)},
        "2025-09-29");
  Warning yellow = load(warning_id("S03", "yellow-village"));
  EXPECT_EQ(yellow.routed_to.body, "village");
  Warning red = load(warning_id("S03", "red-village"));
  EXPECT_EQ(red.routed_to.body, "town_discipline");
  EXPECT_EQ(red.routed_to.region_code, kTownA);
  EXPECT_EQ(red.severity, "red");
  Warning town = load(warning_id("S03", "town-level"));
  EXPECT_EQ(town.routed_to.body, "town_discipline");
  EXPECT_EQ(town.routed_to.region_code, kTownB);

  Hit dept = hit("S04", "dept", kVillageA2);
  dept.programme = "dibao";
  Hit orphan = hit("S04", "no-programme", kVillageA2);
  apply(rule("S04", "department"), {dept, orphan}, "2025-09-29");
  Warning d = load(warning_id("S04", "dept"));
  EXPECT_EQ(d.routed_to.body, "department");
  EXPECT_EQ(d.routed_to.region_code, kCounty);
  EXPECT_EQ(d.routed_to.programme, "dibao");
  EXPECT_EQ(notices_of("dept_mz"), 1);
  EXPECT_EQ(notices_of("dept_ny"), 0);
  Warning o = load(warning_id("S04", "no-programme"));
  EXPECT_EQ(o.routed_to.body, "county_discipline");
  EXPECT_EQ(o.routed_to.region_code, kCounty);
  EXPECT_EQ(notices_of("county_jw"), 1);

  apply(rule("D09", "county_discipline"), {hit("D09", "c", kVillageB1)}, "2025-09-29");
  EXPECT_EQ(load(warning_id("D09", "c")).routed_to.body, "county_discipline");
  EXPECT_EQ(load(warning_id("D09", "c")).category, "procedure");
}

TEST_F(DbWarningsApply, RunningAgainWithTheSameHitsChangesNothing) {
  std::vector<Hit> hits = {hit("F01", "a", kVillageA1), hit("F01", "b", kVillageA2),
                           hit("F01", "c", kVillageB1, 7, "red")};
  auto first = apply(rule("F01", "village"), hits, "2025-09-29");
  EXPECT_EQ(first.created, 3);
  std::string before = snapshot();
  clock.advance_ms(3600 * 1000);
  auto again = apply(rule("F01", "village"), hits, "2025-09-29");
  EXPECT_EQ(again.created, 0);
  EXPECT_EQ(again.refreshed, 0);
  EXPECT_EQ(again.unchanged, 3);
  EXPECT_EQ(again.open, 3);
  EXPECT_EQ(snapshot(), before);
  // A later day with the same facts changes nothing either.
  auto later = apply(rule("F01", "village"), hits, "2025-10-09");
  EXPECT_EQ(later.unchanged, 3);
  EXPECT_EQ(snapshot(), before);
  EXPECT_EQ(count("SELECT COUNT(*) FROM warnings"), 3);
}

TEST_F(DbWarningsApply, NewFactsRefreshAnOpenWarningAndKeepItsStatus) {
  apply(rule("F01", "village"), {hit("F01", "a", kVillageA1, 100)}, "2025-09-29");
  long long id = warning_id("F01", "a");
  ASSERT_TRUE(store.accept(as("a1_secretary"), id).ok());
  Hit changed = hit("F01", "a", kVillageA1, 250);
  changed.subjects.push_back({"persons", "bidx-1"});
  changed.rule_version = 2;
  auto r = apply(rule("F01", "village"), {changed}, "2025-09-30");
  EXPECT_EQ(r.refreshed, 1);
  Warning w = load(id);
  EXPECT_EQ(w.status, "handling");
  EXPECT_EQ(w.evidence["amount"], 250);
  EXPECT_EQ(w.rule_version, 2);
  EXPECT_EQ(w.subjects.size(), 2u);
  EXPECT_EQ(w.deadline.to_string(), "2025-10-13");  // the deadline stands
  EXPECT_EQ(actions(id), (std::vector<std::string>{"created", "accepted", "refreshed"}));
  // A change in the parameters alone is a refresh too, without new facts.
  Hit param = changed;
  param.params[0].value = 60;
  EXPECT_EQ(apply(rule("F01", "village"), {param}, "2025-09-30").refreshed, 1);
  auto detail = store.get(Actor::system("t"), id);
  ASSERT_TRUE(detail.ok());
  EXPECT_TRUE(detail->timeline.back().detail.value("facts_changed", false) == false);
  EXPECT_EQ(load(id).params[0].value, 60);
}

TEST_F(DbWarningsApply, ARedHitMovesAVillageCaseToTheTownDisciplineCommission) {
  apply(rule("S03", "village"), {hit("S03", "a", kVillageA1, 1)}, "2025-09-29");
  long long id = warning_id("S03", "a");
  apply(rule("S03", "village"), {hit("S03", "a", kVillageA1, 9, "red")}, "2025-09-30");
  Warning w = load(id);
  EXPECT_EQ(w.severity, "red");
  EXPECT_EQ(w.routed_to.body, "town_discipline");
  EXPECT_EQ(w.routed_to.region_code, kTownA);
  // Going back to yellow does not send it down again.
  apply(rule("S03", "village"), {hit("S03", "a", kVillageA1, 2)}, "2025-09-30");
  EXPECT_EQ(load(id).routed_to.body, "town_discipline");
  EXPECT_EQ(load(id).severity, "yellow");
}

TEST_F(DbWarningsApply, CasesNoLongerFoundAreMarkedButStayOpen) {
  apply(rule("L02", "village"), {hit("L02", "a", kVillageA1), hit("L02", "b", kVillageB1)},
        "2025-09-29");
  auto r = apply(rule("L02", "village"), {hit("L02", "a", kVillageA1)}, "2025-09-30");
  EXPECT_EQ(r.cleared, 1);
  EXPECT_EQ(r.unchanged, 1);
  EXPECT_EQ(r.open, 2);
  long long b = warning_id("L02", "b");
  EXPECT_FALSE(load(b).still_hit);
  EXPECT_EQ(load(b).status, "new");
  // Cleared once only.
  EXPECT_EQ(apply(rule("L02", "village"), {hit("L02", "a", kVillageA1)}, "2025-09-30").cleared, 0);
  // Found again: a refresh.
  auto back = apply(rule("L02", "village"),
                    {hit("L02", "a", kVillageA1), hit("L02", "b", kVillageB1)}, "2025-10-09");
  EXPECT_EQ(back.refreshed, 1);
  EXPECT_TRUE(load(b).still_hit);
  EXPECT_EQ(actions(b), (std::vector<std::string>{"created", "cleared", "refreshed"}));
}

TEST_F(DbWarningsApply, AnIncrementalRunTouchesOnlyItsKeys) {
  apply(rule("L02", "village"), {hit("L02", "a", kVillageA1), hit("L02", "b", kVillageA1)},
        "2025-09-29");
  // Only "a" and "c" were evaluated: "a" is gone, "c" is new, "b" untouched
  // and a hit for a key outside the scope is ignored.
  auto r = apply(rule("L02", "village"), {hit("L02", "c", kVillageA1), hit("L02", "x", kVillageA1)},
                 "2025-09-30", ApplyScope::keys({"a", "c"}));
  EXPECT_EQ(r.created, 1);
  EXPECT_EQ(r.cleared, 1);
  EXPECT_EQ(r.ignored, 1);
  EXPECT_EQ(r.open, 2);  // a and c
  EXPECT_FALSE(load(warning_id("L02", "a")).still_hit);
  EXPECT_TRUE(load(warning_id("L02", "b")).still_hit);
  EXPECT_EQ(warning_id("L02", "x"), 0);
}

TEST_F(DbWarningsApply, ABatchOverOneTownLeavesOtherTownsAlone) {
  apply(rule("L02", "village"), {hit("L02", "a", kVillageA1), hit("L02", "b", kVillageB1)},
        "2025-09-29");
  ApplyScope town_a;
  town_a.region_roots = {kTownA};
  auto r = apply(rule("L02", "village"), {hit("L02", "z", kVillageB1)}, "2025-09-30", town_a);
  EXPECT_EQ(r.ignored, 1);
  EXPECT_EQ(r.cleared, 1);
  EXPECT_EQ(r.open, 1);
  EXPECT_FALSE(load(warning_id("L02", "a")).still_hit);
  EXPECT_TRUE(load(warning_id("L02", "b")).still_hit);
}

TEST_F(DbWarningsApply, ClosedWarningsStayClosedUnlessRectifiedAndFoundWithNewFacts) {
  apply(rule("A02", "village"),
        {hit("A02", "confirmed", kVillageA1, 10), hit("A02", "fixed", kVillageA1, 10)},
        "2025-09-29");
  long long confirmed = warning_id("A02", "confirmed"), fixed = warning_id("A02", "fixed");
  ASSERT_TRUE(store.close(as("a1_secretary"), confirmed, {"confirmed", "属实", "", ""}).ok());
  ASSERT_TRUE(store.close(as("a1_secretary"), fixed, {"rectified", "已收回", "", ""}).ok());

  // The same facts: both stay closed, whatever the day.
  auto same = apply(rule("A02", "village"),
                    {hit("A02", "confirmed", kVillageA1, 10), hit("A02", "fixed", kVillageA1, 10)},
                    "2025-10-20");
  EXPECT_EQ(same.still_closed, 2);
  EXPECT_EQ(same.reopened, 0);
  // New facts, but evaluated as of a day before the closing: stays closed.
  auto backdated = apply(
      rule("A02", "village"),
      {hit("A02", "confirmed", kVillageA1, 99), hit("A02", "fixed", kVillageA1, 99)}, "2025-09-28");
  EXPECT_EQ(backdated.still_closed, 2);
  // New facts on or after the closing day: the rectified one reopens as new
  // with a new deadline; the confirmed one stays closed.
  auto r = apply(rule("A02", "village"),
                 {hit("A02", "confirmed", kVillageA1, 99), hit("A02", "fixed", kVillageA1, 99)},
                 "2025-09-29");
  EXPECT_EQ(r.reopened, 1);
  EXPECT_EQ(r.still_closed, 1);
  EXPECT_EQ(r.open, 1);
  Warning w = load(fixed);
  EXPECT_EQ(w.status, "new");
  EXPECT_EQ(w.reopened_count, 1);
  EXPECT_EQ(w.verdict, "");
  EXPECT_FALSE(w.closed_at.has_value());
  EXPECT_EQ(w.evidence["amount"], 99);
  EXPECT_EQ(w.deadline.to_string(), "2025-10-13");
  EXPECT_EQ(actions(fixed), (std::vector<std::string>{"created", "closed", "reopened"}));
  EXPECT_EQ(load(confirmed).status, "closed");
  EXPECT_EQ(load(confirmed).evidence["amount"], 10);  // as judged
}

TEST_F(DbWarningsApply, AnActiveExceptionSuppressesItsKeyUntilItExpires) {
  apply(rule("A01", "village"), {hit("A01", "lease", kVillageA1, 1)}, "2025-09-29");
  long long id = warning_id("A01", "lease");
  ASSERT_TRUE(
      store.close(as("townA_jw"), id, {"exception", "续租审批中", "王主任", "2025-10-31"}).ok());
  auto during = apply(rule("A01", "village"), {hit("A01", "lease", kVillageA1, 2)}, "2025-10-31");
  EXPECT_EQ(during.suppressed, 1);
  EXPECT_EQ(during.still_closed, 0);
  EXPECT_EQ(load(id).evidence["amount"], 1);
  // The day after expiry the case is raised again, not counted as a reopening
  // after a fix.
  auto after = apply(rule("A01", "village"), {hit("A01", "lease", kVillageA1, 2)}, "2025-11-01");
  EXPECT_EQ(after.suppressed, 0);
  EXPECT_EQ(after.reopened, 1);
  Warning w = load(id);
  EXPECT_EQ(w.status, "new");
  EXPECT_EQ(w.reopened_count, 0);
  EXPECT_EQ(w.evidence["amount"], 2);
  EXPECT_EQ(actions(id), (std::vector<std::string>{"created", "closed", "exception_expired"}));
}

TEST_F(DbWarningsApply, MalformedHitsAreIgnoredAndAnotherRulesHitsRefused) {
  Hit no_key = hit("P01", "", kVillageA1);
  Hit bad_region = hit("P01", "r", "33078");
  auto r = apply(rule("P01", "village"),
                 {hit("P01", "a", kVillageA1), hit("P01", "a", kVillageA2), no_key, bad_region},
                 "2025-09-29");
  EXPECT_EQ(r.created, 1);
  EXPECT_EQ(r.ignored, 3);
  EXPECT_EQ(load(warning_id("P01", "a")).region_code, kVillageA1);  // the first one

  auto other = store.apply(rule("P01", "village"), ApplyScope::all(), {hit("P02", "b", kVillageA1)},
                           day("2025-09-29"));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, "invalid_argument");
  EXPECT_EQ(other.error().message, "命中记录的规则编号P02与规则P01不符");
  auto bad_body =
      store.apply(rule("P01", "village_committee"), ApplyScope::all(), {}, day("2025-09-29"));
  ASSERT_FALSE(bad_body.ok());
  EXPECT_EQ(bad_body.error().message, "未知的预警接收单位：village_committee");
  EXPECT_EQ(bad_body.error().field, "body");
  auto bad_rule = store.apply(rule("X01", "village"), ApplyScope::all(), {}, day("2025-09-29"));
  ASSERT_FALSE(bad_rule.ok());
  EXPECT_EQ(bad_rule.error().message, "无法从规则编号确定类别：X01");
  EXPECT_EQ(count("SELECT COUNT(*) FROM warnings"), 1);
}

TEST_F(DbWarningsApply, EveryApplyThatChangesSomethingIsOneAuditEntryAndTheChainHolds) {
  apply(rule("F01", "village"), {hit("F01", "a", kVillageA1)}, "2025-09-29");
  apply(rule("F01", "village"), {hit("F01", "a", kVillageA1)}, "2025-09-29");  // no change
  apply(rule("F01", "village"), {hit("F01", "a", kVillageA1, 5)}, "2025-09-29");
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'warning.apply'"), 2);
  EXPECT_TRUE(audit::verify(tdb.db()).ok);
}

}  // namespace
}  // namespace mingjing::warnings::testing
