// The lifecycle: who may accept, note, assign, close and reopen, the
// transitions each allows, the exact errors, and the trail each leaves.
#include <gtest/gtest.h>

#include "audit/audit.h"
#include "warnings/warnings_test_fixture.h"

namespace mingjing::warnings::testing {
namespace {

class DbWarningsLifecycle : public WarningsFixture {
 protected:
  DbWarningsLifecycle() {
    Hit dept = hit("S04", "dept", kVillageA2);
    dept.programme = "dibao";
    EXPECT_TRUE(store
                    .apply(rule("F01", "village"), ApplyScope::all(),
                           {hit("F01", "a1", kVillageA1), hit("F01", "b1", kVillageB1)},
                           day("2025-09-29"))
                    .ok());
    EXPECT_TRUE(
        store.apply(rule("S04", "department"), ApplyScope::all(), {dept}, day("2025-09-29")).ok());
    a1 = warning_id("F01", "a1");
    b1 = warning_id("F01", "b1");
    dept_id = warning_id("S04", "dept");
  }

  template <typename R>
  static void expect_error(const R& result, const std::string& code, const std::string& message,
                           const std::string& field = "") {
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, code);
    EXPECT_EQ(result.error().message, message);
    EXPECT_EQ(result.error().field, field);
  }

  long long audits(const std::string& action) {
    return count("SELECT COUNT(*) FROM audit_log WHERE action = '" + action + "'");
  }

  std::vector<Event> timeline(long long id) {
    auto d = store.get(Actor::system("t"), id);
    return d.ok() ? d->timeline : std::vector<Event>{};
  }

  long long a1 = 0, b1 = 0, dept_id = 0;
};

TEST_F(DbWarningsLifecycle, AcceptMovesNewToHandlingOnce) {
  auto w = store.accept(as("a1_director"), a1, "已联系报账员核实");
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_EQ(w->status, "handling");
  expect_error(store.accept(as("a1_director"), a1), "conflict", "预警已在处理中，无需再次受理",
               "status");
  auto events = timeline(a1);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].action, "accepted");
  EXPECT_EQ(events[1].note, "已联系报账员核实");
  EXPECT_EQ(events[1].username, "a1_director");
  EXPECT_EQ(events[1].role, "village_director");
  EXPECT_EQ(events[1].user_id, uid("a1_director"));
  EXPECT_EQ(events[1].at, clock.now_unix_ms());
  EXPECT_EQ(audits("warning.accept"), 1);
  EXPECT_EQ(text("SELECT target FROM audit_log WHERE action = 'warning.accept'"),
            "warning:" + std::to_string(a1));
}

TEST_F(DbWarningsLifecycle, OnlyTheRoutedBodyAndItsOverseersMayAct) {
  // Another village's secretary does not even see it.
  expect_error(store.accept(as("a2_secretary"), a1), "not_found", "预警不存在");
  // Another town's discipline commission neither.
  expect_error(store.accept(as("townB_jw"), a1), "not_found", "预警不存在");
  // Readers who are not the body see it but may not act.
  expect_error(store.accept(as("townA_leader"), a1), "forbidden", "当前角色无权处理该预警");
  expect_error(store.accept(as("a1_member"), a1), "forbidden", "当前角色无权处理该预警");
  // Roles without warnings at all.
  expect_error(store.accept(as("a1_bookkeeper"), a1), "forbidden", "当前角色无权查看预警");
  expect_error(store.accept(as("townA_admin"), a1), "forbidden", "当前角色无权查看预警");
  // A department sees its programme's warnings only.
  expect_error(store.accept(as("dept_ny"), dept_id), "not_found", "预警不存在");
  expect_error(store.accept(as("dept_mz"), a1), "not_found", "预警不存在");
  EXPECT_EQ(count("SELECT COUNT(*) FROM warnings WHERE status = 'handling'"), 0);

  EXPECT_TRUE(store.accept(as("dept_mz"), dept_id).ok());
  EXPECT_TRUE(store.accept(as("townA_jw"), a1).ok());   // oversees the village body
  EXPECT_TRUE(store.accept(as("county_jw"), b1).ok());  // everything in the county
  EXPECT_EQ(audits("warning.accept"), 3);
}

TEST_F(DbWarningsLifecycle, NotesNeedTextAndGoToTheTimeline) {
  expect_error(store.add_note(as("a1_secretary"), a1, "  "), "invalid_argument", "备注内容不能为空",
               "note");
  expect_error(store.add_note(as("a1_secretary"), a1, std::string(2001 * 3, 'a')),
               "invalid_argument", "内容不能超过2000字", "note");
  std::string long_chinese;
  for (int i = 0; i < 2000; ++i) long_chinese += "字";
  EXPECT_TRUE(store.add_note(as("a1_secretary"), a1, long_chinese).ok());
  auto w = store.add_note(as("a1_secretary"), a1, "已调取凭证");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->status, "new");  // a note is not an acceptance
  auto events = timeline(a1);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2].action, "note");
  EXPECT_EQ(events[2].note, "已调取凭证");
  EXPECT_EQ(audits("warning.note"), 2);
}

TEST_F(DbWarningsLifecycle, AssignmentGoesToAnAccountOfTheRoutedBodyWithANotice) {
  auto users = store.assignable_users(as("a1_secretary"), a1);
  ASSERT_TRUE(users.ok());
  std::vector<std::string> names;
  for (const auto& u : *users) names.push_back(u.username);
  EXPECT_EQ(names, (std::vector<std::string>{"a1_secretary", "a1_director", "a1_supervisor"}));

  long long before = notices_of("a1_director");
  auto w = store.assign(as("a1_secretary"), a1, uid("a1_director"), "请主任牵头");
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_EQ(w->assignee_id, uid("a1_director"));
  EXPECT_EQ(w->assignee_username, "a1_director");
  EXPECT_EQ(notices_of("a1_director"), before + 1);
  EXPECT_EQ(text("SELECT kind FROM notices ORDER BY id DESC LIMIT 1"), "warning.assigned");

  expect_error(store.assign(as("a1_secretary"), a1, uid("a1_bookkeeper")), "invalid_argument",
               "只能指派给江滨社区村级组织的用户", "user_id");
  expect_error(store.assign(as("a1_secretary"), a1, uid("townA_jw")), "invalid_argument",
               "只能指派给江滨社区村级组织的用户", "user_id");
  auto dept_users = store.assignable_users(as("dept_mz"), dept_id);
  ASSERT_TRUE(dept_users.ok());
  ASSERT_EQ(dept_users->size(), 1u);  // dept_ny holds another programme
  EXPECT_EQ((*dept_users)[0].username, "dept_mz");
  EXPECT_EQ(audits("warning.assign"), 1);
}

TEST_F(DbWarningsLifecycle, ClosingNeedsAValidVerdictAndTheRightToGiveIt) {
  expect_error(store.close(as("a1_secretary"), a1, {"fixed", "", "", ""}), "invalid_argument",
               "处理结论应为confirmed（属实）、rectified（已整改）、false_positive（误报）或"
               "exception（例外）",
               "verdict");
  // The village may not dismiss its own warning.
  expect_error(store.close(as("a1_secretary"), a1, {"false_positive", "数据错误", "", ""}),
               "forbidden", "只有纪委监委或主管部门可以认定误报、批准例外或重新打开预警");
  expect_error(store.close(as("townA_jw"), a1, {"false_positive", " ", "", ""}), "invalid_argument",
               "认定误报须说明理由", "reason");
  auto w = store.close(as("townA_jw"), a1, {"false_positive", "银行流水重复导入", "", ""});
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_EQ(w->status, "closed");
  EXPECT_EQ(w->verdict, "false_positive");
  EXPECT_EQ(w->verdict_reason, "银行流水重复导入");
  EXPECT_EQ(w->closed_at, clock.now_unix_ms());
  expect_error(store.close(as("townA_jw"), a1, {"confirmed", "", "", ""}), "conflict", "预警已办结",
               "status");
  // The village body may close with confirmed or rectified.
  auto b = store.close(as("county_jw"), b1, {"confirmed", "", "", ""});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->verdict, "confirmed");
  EXPECT_EQ(audits("warning.close"), 2);
  auto events = timeline(a1);
  EXPECT_EQ(events.back().action, "closed");
  EXPECT_EQ(events.back().note, "银行流水重复导入");
  EXPECT_EQ(events.back().detail["verdict"], "false_positive");
}

TEST_F(DbWarningsLifecycle, AnExceptionNeedsOwnerReasonAndAFutureExpiryAndIsStored) {
  auto close = [&](CloseRequest r) { return store.close(as("townA_jw"), a1, r); };
  expect_error(close({"exception", "", "王主任", "2025-12-31"}), "invalid_argument",
               "批准例外须说明理由", "reason");
  expect_error(close({"exception", "续租审批中", "", "2025-12-31"}), "invalid_argument",
               "例外须指定责任人", "exception_owner");
  expect_error(close({"exception", "续租审批中", "王主任", "12/31"}), "invalid_argument",
               "例外到期日格式不正确，应为YYYY-MM-DD", "exception_expires_on");
  expect_error(close({"exception", "续租审批中", "王主任", "2025-09-29"}), "invalid_argument",
               "例外到期日应晚于今天", "exception_expires_on");
  expect_error(close({"exception", "续租审批中", "王主任", "2028-09-30"}), "invalid_argument",
               "例外有效期不能超过3年", "exception_expires_on");
  EXPECT_EQ(count("SELECT COUNT(*) FROM warning_exceptions"), 0);
  auto w = close({"exception", "续租审批中", "王主任", "2028-09-29"});
  ASSERT_TRUE(w.ok()) << w.error().message;
  auto d = store.get(as("townA_jw"), a1);
  ASSERT_TRUE(d.ok());
  ASSERT_TRUE(d->exception.has_value());
  EXPECT_EQ(d->exception->owner, "王主任");
  EXPECT_EQ(d->exception->reason, "续租审批中");
  EXPECT_EQ(d->exception->expires_on.to_string(), "2028-09-29");
  EXPECT_EQ(d->exception->created_by, uid("townA_jw"));
  EXPECT_EQ(d->exception->rule_id, "F01");
  EXPECT_EQ(d->exception->dedup_key, "a1");
  EXPECT_FALSE(d->exception->revoked_at.has_value());
  // It suppresses the key from now on.
  auto r = store.apply(rule("F01", "village"), ApplyScope::all(), {hit("F01", "a1", kVillageA1, 5)},
                       day("2026-01-05"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->suppressed, 1);
}

TEST_F(DbWarningsLifecycle, ReopeningNeedsAReasonAClosedWarningAndRevokesItsException) {
  expect_error(store.reopen(as("townA_jw"), a1, "不符"), "conflict", "只有已办结的预警可以重新打开",
               "status");
  ASSERT_TRUE(
      store.close(as("townA_jw"), a1, {"exception", "续租审批中", "王主任", "2025-12-31"}).ok());
  expect_error(store.reopen(as("townA_jw"), a1, ""), "invalid_argument", "重新打开须说明理由",
               "reason");
  expect_error(store.reopen(as("a1_secretary"), a1, "再看看"), "forbidden",
               "只有纪委监委或主管部门可以认定误报、批准例外或重新打开预警");
  clock.set(core::DateTime::from_local(day("2025-10-09"), 10));
  long long town_notices = notices_of("a1_secretary");
  auto w = store.reopen(as("townA_jw"), a1, "续租未获批准");
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_EQ(w->status, "handling");
  EXPECT_EQ(w->verdict, "");
  EXPECT_EQ(w->reopened_count, 1);
  // Five workdays from 10-09: 10-10, 10-11 (worked Saturday), 10-13, 10-14, 10-15.
  EXPECT_EQ(w->deadline.to_string(), "2025-10-15");
  EXPECT_EQ(notices_of("a1_secretary"), town_notices + 1);
  auto d = store.get(as("townA_jw"), a1);
  ASSERT_TRUE(d.ok());
  ASSERT_TRUE(d->exception.has_value());
  EXPECT_EQ(d->exception->revoked_at, clock.now_unix_ms());
  EXPECT_EQ(d->timeline.back().action, "reopened");
  EXPECT_EQ(d->timeline.back().note, "续租未获批准");
  EXPECT_EQ(d->timeline.back().detail["from_verdict"], "exception");
  // The revoked exception no longer suppresses: the open warning is refreshed.
  auto r = store.apply(rule("F01", "village"), ApplyScope::all(), {hit("F01", "a1", kVillageA1, 7)},
                       day("2025-10-09"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->suppressed, 0);
  EXPECT_EQ(r->refreshed, 1);
  EXPECT_EQ(audits("warning.reopen"), 1);
}

TEST_F(DbWarningsLifecycle, EveryActionIsOneAuditEntryWithBeforeAndAfterAndTheChainHolds) {
  long long before = count("SELECT COUNT(*) FROM audit_log");
  ASSERT_TRUE(store.accept(as("a1_secretary"), a1).ok());
  ASSERT_TRUE(store.add_note(as("a1_secretary"), a1, "n").ok());
  ASSERT_TRUE(store.assign(as("a1_secretary"), a1, uid("a1_director")).ok());
  ASSERT_TRUE(store.close(as("a1_secretary"), a1, {"rectified", "已整改", "", ""}).ok());
  ASSERT_TRUE(store.reopen(as("townA_jw"), a1, "复查未整改").ok());
  // Refused actions write nothing.
  (void)store.accept(as("a2_secretary"), a1);
  (void)store.close(as("a1_secretary"), a1, {"false_positive", "x", "", ""});
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log"), before + 5);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'warning.close' AND "
                  "before_digest <> after_digest AND before_digest <> ''"),
            1);
  EXPECT_TRUE(audit::verify(tdb.db()).ok);
  std::vector<std::string> actions;
  for (const auto& e : timeline(a1)) actions.push_back(e.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"created", "accepted", "note", "assigned", "closed",
                                               "reopened"}));
}

TEST_F(DbWarningsLifecycle, UnknownWarningsAreNotFound) {
  expect_error(store.accept(as("county_jw"), 999999), "not_found", "预警不存在");
  expect_error(store.get(as("county_jw"), 999999), "not_found", "预警不存在");
}

}  // namespace
}  // namespace mingjing::warnings::testing
