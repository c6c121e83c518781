// The people's side of a warning: accept, note, assign, close with a
// verdict, reopen. Each is one transaction with one audit entry.
#include <algorithm>
#include <set>

#include "db/row.h"
#include "db/soci.h"
#include "warnings/internal.h"

namespace mingjing::warnings {
namespace {

using internal::add_event;

constexpr std::size_t kMaxTextChars = 2000;
constexpr int kMaxExceptionDays = 3 * 365 + 1;

constexpr const char* kAccept =
    "UPDATE warnings SET status = 'handling', updated_at = :at WHERE id = :id";
constexpr const char* kTouch = "UPDATE warnings SET updated_at = :at WHERE id = :id";
constexpr const char* kAssign =
    "UPDATE warnings SET assignee_id = :u, updated_at = :at WHERE id = :id";
constexpr const char* kClose =
    "UPDATE warnings SET status = 'closed', verdict = :v, verdict_reason = :r, closed_at = :at, "
    "updated_at = :at2 WHERE id = :id";
constexpr const char* kInsertException =
    "INSERT INTO warning_exceptions (rule_id, dedup_key, warning_id, owner, reason, expires_on, "
    "created_by, created_by_name, created_at) VALUES (:r, :k, :w, :o, :re, :e, :u, :un, :at)";
constexpr const char* kReopen =
    "UPDATE warnings SET status = 'handling', verdict = NULL, verdict_reason = NULL, "
    "closed_at = NULL, reopened_count = reopened_count + 1, deadline = :dl, updated_at = :at "
    "WHERE id = :id";
constexpr const char* kRevokeExceptions =
    "UPDATE warning_exceptions SET revoked_at = :at WHERE warning_id = :w AND revoked_at IS NULL";
constexpr const char* kSelectHolders =
    "SELECT u.id, u.username, u.display_name, r.role, r.programmes FROM user_roles r "
    "JOIN users u ON u.id = r.user_id WHERE r.role = :role AND r.region_code = :region "
    "AND u.status = 'active' ORDER BY u.id";

std::size_t utf8_chars(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string trimmed(const std::string& s) {
  std::size_t a = s.find_first_not_of(" \t\r\n"), b = s.find_last_not_of(" \t\r\n");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

// Optional text: at most kMaxTextChars. Required text: also not blank.
core::Status check_text(const std::string& text, const char* field, const char* missing) {
  if (missing && trimmed(text).empty()) return core::Error::invalid(missing, field);
  if (utf8_chars(text) > kMaxTextChars) {
    return core::Error::invalid("内容不能超过2000字", field);
  }
  return {};
}

std::vector<AssignableUser> body_users(db::Connection& conn, const RoutedTo& to) {
  notify::Body body = internal::members_of(to);
  std::vector<AssignableUser> out;
  std::set<long long> seen;
  for (const std::string& role : body.roles) {
    std::string r = role, region = body.region_code;
    soci::rowset<soci::row> rows =
        (conn.session().prepare << kSelectHolders, soci::use(r), soci::use(region));
    for (const soci::row& row : rows) {
      if (!body.programme.empty() && !notify::lists_programme(db::get_text(row, 4), body.programme))
        continue;
      long long id = db::get_int(row, 0);
      if (!seen.insert(id).second) continue;
      out.push_back({id, db::get_text(row, 1), db::get_text(row, 2), db::get_text(row, 3)});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const AssignableUser& a, const AssignableUser& b) { return a.user_id < b.user_id; });
  return out;
}

core::Error not_found() {
  return core::Error::not_found("预警不存在");
}

// The change an action makes, given the warning before it. Returns the
// audit detail.
using Change = std::function<core::Result<std::string>(db::Connection&, const Warning&)>;
// Checks the action's input. It runs after the permission checks, so a
// caller who may not act learns that, not what was wrong with the form.
using Validate = std::function<core::Status()>;

enum class Needs { handle, judge };

core::Result<Warning> act(db::Database& db, const Actor& who, long long id,
                          const std::string& action, Needs needs, const Validate& validate,
                          const Change& change) {
  if (auto scope = internal::read_scope(who); !scope.ok()) return scope.error();
  return internal::guarded(action.c_str(), [&]() -> core::Result<Warning> {
    auto conn = db.connect();
    db::Transaction tx(conn);
    internal::lock_for_write(conn);
    auto before = internal::load_warning(conn, id);
    if (!before || !internal::can_read(who, *before)) return not_found();
    if (!internal::can_handle(who, *before)) {
      return core::Error::forbidden("当前角色无权处理该预警");
    }
    if (needs == Needs::judge && !internal::can_judge(who, *before)) {
      return core::Error::forbidden("只有纪委监委或主管部门可以认定误报、批准例外或重新打开预警");
    }
    if (auto st = validate(); !st.ok()) return st.error();
    auto detail = change(conn, *before);
    if (!detail.ok()) return detail.error();
    auto after = internal::load_warning(conn, id);
    audit::append(conn, {internal::audit_actor(who), action, "warning:" + std::to_string(id),
                         *detail, internal::state_json(*before), internal::state_json(*after)});
    tx.commit();
    return *after;
  });
}

core::Error closed_already() {
  return core::Error::conflict("预警已办结，请先重新打开", "status");
}

}  // namespace

core::Result<Warning> WarningStore::accept(const Actor& who, long long id,
                                           const std::string& note) {
  return act(
      db_, who, id, "warning.accept", Needs::handle,
      [&] { return check_text(note, "note", nullptr); },
      [&](db::Connection& conn, const Warning& w) -> core::Result<std::string> {
        if (w.status == status::kHandling) {
          return core::Error::conflict("预警已在处理中，无需再次受理", "status");
        }
        if (w.status == status::kClosed) return closed_already();
        long long now = clock_.now_unix_ms();
        conn.session() << kAccept, soci::use(now), soci::use(id);
        add_event(conn, id, now, who, "accepted", note);
        return std::string("{}");
      });
}

core::Result<Warning> WarningStore::add_note(const Actor& who, long long id,
                                             const std::string& note) {
  return act(
      db_, who, id, "warning.note", Needs::handle,
      [&] { return check_text(note, "note", "备注内容不能为空"); },
      [&](db::Connection& conn, const Warning&) -> core::Result<std::string> {
        long long now = clock_.now_unix_ms();
        conn.session() << kTouch, soci::use(now), soci::use(id);
        add_event(conn, id, now, who, "note", note);
        return std::string("{}");
      });
}

core::Result<std::vector<AssignableUser>> WarningStore::assignable_users(const Actor& who,
                                                                         long long id) {
  if (auto scope = internal::read_scope(who); !scope.ok()) return scope.error();
  return internal::guarded("assignable_users", [&]() -> core::Result<std::vector<AssignableUser>> {
    auto conn = db_.connect();
    auto w = internal::load_warning(conn, id);
    if (!w || !internal::can_read(who, *w)) return not_found();
    if (!internal::can_handle(who, *w)) return core::Error::forbidden("当前角色无权处理该预警");
    return body_users(conn, w->routed_to);
  });
}

core::Result<Warning> WarningStore::assign(const Actor& who, long long id, long long user_id,
                                           const std::string& note) {
  return act(
      db_, who, id, "warning.assign", Needs::handle,
      [&] { return check_text(note, "note", nullptr); },
      [&](db::Connection& conn, const Warning& w) -> core::Result<std::string> {
        if (w.status == status::kClosed) return closed_already();
        std::vector<AssignableUser> users = body_users(conn, w.routed_to);
        auto it = std::find_if(users.begin(), users.end(),
                               [&](const AssignableUser& u) { return u.user_id == user_id; });
        if (it == users.end()) {
          return core::Error::invalid(
              "只能指派给" + internal::body_label(conn, w.routed_to) + "的用户", "user_id");
        }
        long long now = clock_.now_unix_ms();
        long long assignee = user_id;
        conn.session() << kAssign, soci::use(assignee), soci::use(now), soci::use(id);
        add_event(conn, id, now, who, "assigned", note,
                  {{"assignee_id", user_id}, {"assignee", it->username}});
        notify::post(conn, {user_id},
                     {"warning.assigned", "预警指派：规则" + w.rule_id,
                      who.username + "将规则" + w.rule_id + "的预警（编号" + std::to_string(id) +
                          "）指派给您处理，期限" + w.deadline.to_string() + "。",
                      "/warnings/" + std::to_string(id)},
                     now);
        return nlohmann::json{{"assignee_id", user_id}}.dump();
      });
}

core::Result<Warning> WarningStore::close(const Actor& who, long long id,
                                          const CloseRequest& request) {
  const std::string& v = request.verdict;
  const bool dismissive = v == verdict::kFalsePositive || v == verdict::kException;
  core::Date expires;
  auto validate = [&]() -> core::Status {
    if (v != verdict::kConfirmed && v != verdict::kRectified && !dismissive) {
      return core::Error::invalid(
          "处理结论应为confirmed（属实）、rectified（已整改）、false_"
          "positive（误报）或exception（例外）",
          "verdict");
    }
    const char* missing_reason = v == verdict::kFalsePositive ? "认定误报须说明理由"
                                 : v == verdict::kException   ? "批准例外须说明理由"
                                                              : nullptr;
    if (auto st = check_text(request.reason, "reason", missing_reason); !st.ok()) return st;
    if (v != verdict::kException) return {};
    if (auto st = check_text(request.exception_owner, "exception_owner", "例外须指定责任人");
        !st.ok()) {
      return st;
    }
    auto parsed = core::Date::parse(request.exception_expires_on);
    if (!parsed.ok()) {
      return core::Error::invalid("例外到期日格式不正确，应为YYYY-MM-DD", "exception_expires_on");
    }
    const core::Date today = clock_.today();
    if (*parsed <= today) {
      return core::Error::invalid("例外到期日应晚于今天", "exception_expires_on");
    }
    if (today.days_until(*parsed) > kMaxExceptionDays) {
      return core::Error::invalid("例外有效期不能超过3年", "exception_expires_on");
    }
    expires = *parsed;
    return {};
  };
  return act(db_, who, id, "warning.close", dismissive ? Needs::judge : Needs::handle, validate,
             [&](db::Connection& conn, const Warning& w) -> core::Result<std::string> {
               if (w.status == status::kClosed) {
                 return core::Error::conflict("预警已办结", "status");
               }
               long long now = clock_.now_unix_ms();
               std::string verdict_text = v, reason = trimmed(request.reason);
               conn.session() << kClose, soci::use(verdict_text), soci::use(reason), soci::use(now),
                   soci::use(now), soci::use(id);
               nlohmann::json detail = {{"verdict", v}};
               if (v == verdict::kException) {
                 std::string rule = w.rule_id, key = w.dedup_key,
                             owner = trimmed(request.exception_owner), until = expires.to_string(),
                             by_name = who.username;
                 long long by = who.user_id;
                 soci::indicator by_ind = by ? soci::i_ok : soci::i_null;
                 conn.session() << kInsertException, soci::use(rule), soci::use(key), soci::use(id),
                     soci::use(owner), soci::use(reason), soci::use(until), soci::use(by, by_ind),
                     soci::use(by_name), soci::use(now);
                 detail["exception_owner"] = owner;
                 detail["exception_expires_on"] = until;
               }
               add_event(conn, id, now, who, "closed", reason, detail);
               return detail.dump();
             });
}

core::Result<Warning> WarningStore::reopen(const Actor& who, long long id,
                                           const std::string& reason) {
  return act(
      db_, who, id, "warning.reopen", Needs::judge,
      [&] { return check_text(reason, "reason", "重新打开须说明理由"); },
      [&](db::Connection& conn, const Warning& w) -> core::Result<std::string> {
        if (w.status != status::kClosed) {
          return core::Error::conflict("只有已办结的预警可以重新打开", "status");
        }
        long long now = clock_.now_unix_ms();
        std::string dl = calendar_.add_workdays(clock_.today(), w.deadline_workdays).to_string();
        conn.session() << kReopen, soci::use(dl), soci::use(now), soci::use(id);
        if (w.verdict == verdict::kException) {
          conn.session() << kRevokeExceptions, soci::use(now), soci::use(id);
        }
        nlohmann::json detail = {{"from_verdict", w.verdict}, {"deadline", dl}};
        add_event(conn, id, now, who, "reopened", trimmed(reason), detail);
        notify::post(conn, notify::members(conn, internal::members_of(w.routed_to)),
                     {"warning.reopened", "预警重新打开：规则" + w.rule_id,
                      "规则" + w.rule_id + "的预警（编号" + std::to_string(id) +
                          "）已重新打开，处理期限" + dl + "。",
                      "/warnings/" + std::to_string(id)},
                     now);
        return detail.dump();
      });
}

}  // namespace mingjing::warnings
