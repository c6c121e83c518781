// warnings: what happens to a case once a rule has found it. Hits
// (hit.h) become warnings, routed to the body that must act and given a
// deadline on the workday calendar; people accept, annotate, assign and
// close them with a verdict; overdue ones move up a level; verdicts give
// each rule its precision. docs/warnings.md describes the lifecycle.
//
//   new (red) ──accept──► handling (yellow) ──close(verdict)──► closed (green)
//     └──────────────────close(verdict)──────────────────────────┘    │
//   handling ◄──────────────reopen(reason)────────────────────────────┘
//
// Callers. apply() and escalate_overdue() are the system's (rule runs and
// the background job). Every other call takes the acting Actor and checks
// inside: permission (auth/roles.h warning:warning:list / :handle) and
// scope. Reads see warnings in the role's region subtree; a county
// department sees only warnings of its programmes. Acting needs the body:
// the routed body's own accounts (village secretary, director and
// supervision director at that village; the department holding the
// programme; the town or county discipline commission), the town discipline
// commission over village warnings in its town, and the county discipline
// commission over everything in the county. Only discipline commissions and
// departments may close as false positive or exception, or reopen: the
// village that is the subject of a warning may not dismiss it.
//
// Errors are values: invalid_argument (Chinese message, field named),
// forbidden, not_found (also for a warning outside the caller's read scope),
// conflict (a transition the status does not allow), internal (database
// failure; detail logged). Nothing throws.
//
// Every state change is one transaction with one audit entry
// (audit/audit.h) and, per warning, timeline events.
//
// Thread-safety: WarningStore is safe to share; writers are serialised by
// the database (SQLite's write lock, a PostgreSQL advisory lock).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/date.h"
#include "core/result.h"
#include "core/workday_calendar.h"
#include "db/database.h"
#include "warnings/hit.h"

namespace mingjing::warnings {

namespace status {
inline constexpr const char* kNew = "new";            // red dot: nobody has taken it up
inline constexpr const char* kHandling = "handling";  // yellow: being dealt with
inline constexpr const char* kClosed = "closed";      // green: verdict given
}  // namespace status

namespace verdict {
inline constexpr const char* kConfirmed = "confirmed";           // a real irregularity
inline constexpr const char* kRectified = "rectified";           // real, and put right
inline constexpr const char* kFalsePositive = "false_positive";  // not an irregularity
inline constexpr const char* kException = "exception";           // allowed until a date
}  // namespace verdict

// The bodies a warning can be routed to.
namespace body {
inline constexpr const char* kVillage = "village";  // 村两委 and 村监委会
inline constexpr const char* kDepartment = "department";
inline constexpr const char* kTownDiscipline = "town_discipline";
inline constexpr const char* kCountyDiscipline = "county_discipline";
}  // namespace body

// Who calls. HTTP handlers fill it from the session's active role
// (auth::Principal: user_id, username, active.role, active.region_code,
// active.programmes).
struct Actor {
  long long user_id = 0;
  std::string username;
  std::string role;                     // auth role code
  std::string region_code;              // the role's scope root
  std::vector<std::string> programmes;  // county_department only

  // The program itself (command line, background jobs): no scope checks.
  static Actor system(std::string name);
  bool is_system() const { return role == "system"; }
};

// What warnings/ needs to know about a rule: a small view of its definition.
struct RuleRouting {
  std::string rule_id;  // catalogue id, "S01"
  int version = 1;
  // projects | finance | assets | subsidies | labor | procedure | efficiency;
  // empty: from the id's catalogue letter (P F A S L D E).
  std::string category;
  std::string severity = "yellow";  // for hits that carry none
  // village | department | town_discipline | county_discipline. A red hit
  // of a village or department rule goes to the town discipline commission
  // (catalogue convention: red is pushed straight there).
  std::string body;
  int deadline_workdays = 10;  // from the day the warning is raised
};

// What a run covered: hits are compared with the warnings inside it only.
struct ApplyScope {
  // Batch: every region (empty), or the subtrees of these region codes.
  std::vector<std::string> region_roots;
  // Incremental: exactly these keys were evaluated (present or not in the
  // hits). Region roots are then ignored.
  std::optional<std::vector<std::string>> dedup_keys;

  static ApplyScope all() { return {}; }
  static ApplyScope keys(std::vector<std::string> k) { return {{}, std::move(k)}; }
};

struct ApplyResult {
  int created = 0;       // new keys: new warnings
  int refreshed = 0;     // open warnings whose subjects, evidence… changed
  int unchanged = 0;     // open warnings hit again exactly as stored
  int suppressed = 0;    // keys under an active exception
  int reopened = 0;      // closed as rectified, hit again with new facts
  int still_closed = 0;  // closed warnings hit again that stay closed
  int cleared = 0;       // open warnings in scope no longer found (they stay open)
  int ignored = 0;       // hits outside the scope, repeated or malformed (logged)
  long long open = 0;    // open warnings of the rule in scope afterwards
};

struct RoutedTo {
  std::string body;         // body::
  std::string region_code;  // the village, town or county of that body
  std::string programme;    // departments; kept after escalation
};

struct Warning {
  long long id = 0;
  std::string rule_id;
  int rule_version = 0;
  std::string category;
  std::string dedup_key;
  std::string severity;  // red | yellow
  std::string status;    // status::
  std::string region_code;
  RoutedTo routed_to;
  int escalation_level = 0;  // 0 where it was first routed, +1 per escalation
  std::optional<long long> assignee_id;
  std::string assignee_username;
  core::Date deadline;
  int deadline_workdays = 0;
  std::vector<Subject> subjects;
  std::string explanation;
  nlohmann::json evidence;
  std::vector<UsedParam> params;
  bool still_hit = true;  // the last run covering it still found it
  std::string verdict;    // verdict::, empty unless closed
  std::string verdict_reason;
  int reopened_count = 0;
  long long created_at = 0;  // unix ms
  long long updated_at = 0;
  std::optional<long long> closed_at;
};

struct Event {
  long long id = 0;
  long long at = 0;  // unix ms
  long long user_id = 0;
  std::string username;
  std::string role;
  // created, refreshed, cleared, reopened, accepted, note, assigned, closed,
  // escalated, exception_expired
  std::string action;
  std::string note;
  nlohmann::json detail;
};

struct WarningException {
  long long id = 0;
  std::string rule_id;
  std::string dedup_key;
  long long warning_id = 0;
  std::string owner;
  std::string reason;
  core::Date expires_on;  // valid through this day
  long long created_by = 0;
  std::string created_by_name;
  long long created_at = 0;
  std::optional<long long> revoked_at;
};

struct WarningDetail {
  Warning warning;
  std::vector<Event> timeline;  // oldest first
  std::optional<WarningException> exception;
  bool can_handle = false;  // the caller may act on it now
  bool can_judge = false;   // ... and give dismissive verdicts or reopen
};

// How a warning is closed. Strings as they come from a form.
struct CloseRequest {
  std::string verdict;               // verdict::
  std::string reason;                // required for false_positive and exception
  std::string exception_owner;       // exception: who answers for it
  std::string exception_expires_on;  // exception: "YYYY-MM-DD", after today
};

struct ListFilter {
  std::vector<std::string> statuses;  // any of; empty: all
  std::string severity;               // red | yellow | ""
  std::string rule_id;
  std::string category;  // name or catalogue letter (P F A S L D E)
  std::string region;    // subtree root inside the caller's scope; "" = the scope
  std::string routed_body;
  bool assigned_to_me = false;
  bool overdue = false;  // open and past the deadline, as of today
  int page = 1;
  int page_size = 20;  // 1..200
};

struct WarningPage {
  std::vector<Warning> items;  // newest first
  long long total = 0;
};

struct StatusCounts {
  long long status_new = 0;
  long long status_handling = 0;
  long long status_closed = 0;
  long long total() const { return status_new + status_handling + status_closed; }
};

struct RegionCounts {
  std::string region_code;  // a child of the scope root (or the root itself)
  std::string name;
  StatusCounts counts;
};

// The queue's red/yellow/green numbers, under the filter's region, rule and
// severity (its statuses and category are ignored).
struct QueueCounts {
  StatusCounts total;
  std::map<std::string, StatusCounts> by_category;  // every category, zeros included
  std::vector<RegionCounts> by_region;              // regions with warnings, by code
};

// Per rule, from the verdicts of its closed warnings in the caller's scope:
// precision = (confirmed + rectified) / (confirmed + rectified +
// false_positive). Exceptions are neither right nor wrong and are left out;
// open warnings have no verdict yet.
struct RulePrecision {
  std::string rule_id;
  long long confirmed = 0;
  long long rectified = 0;
  long long false_positive = 0;
  long long exception = 0;
  std::optional<double> precision;  // nullopt without a judged warning
};

struct AssignableUser {
  long long user_id = 0;
  std::string username;
  std::string display_name;
  std::string role;
};

struct EscalationResult {
  int escalated = 0;
  int at_top = 0;  // overdue at the county discipline commission: nowhere higher
  int notices = 0;
};

// catalogue letter or name -> category name; nullopt if neither.
std::optional<std::string> category_of(std::string_view letter_or_name);
// The seven category names in catalogue order.
const std::vector<std::string>& categories();

class WarningStore {
 public:
  WarningStore(db::Database& db, const core::WorkdayCalendar& calendar, const core::Clock& clock);

  // Turns one rule's hits into warnings, all in one transaction with one
  // audit entry (none when nothing changed: re-running with the same hits
  // writes nothing). Within `scope`, per hit (rule_id must be rule.rule_id):
  //  - a key under an active exception (expires_on >= as_of): suppressed;
  //  - a new key: a new warning, routed, deadline = as_of + deadline_workdays
  //    workdays, one notice per receiving body summarising the new ones;
  //  - an open warning: subjects, evidence, explanation, parameters, severity
  //    and version refreshed (an event only when one of them changed);
  //  - a closed warning: stays closed, unless its verdict was rectified, as_of
  //    is on or after the closing day and the hit's facts (subjects,
  //    evidence) differ from those it was closed with: then it reopens as new
  //    (reopened_count + 1, new deadline); or its verdict was exception and
  //    the exception has expired: then it reopens as new (not counted).
  // Open warnings of the rule in scope that no hit names are marked
  // still_hit = false (an event the first time) and stay open.
  // Errors: invalid_argument (a hit of another rule, an unknown body), internal.
  core::Result<ApplyResult> apply(const RuleRouting& rule, const ApplyScope& scope,
                                  const std::vector<Hit>& hits, core::Date as_of);

  // Lifecycle. Each returns the warning as it is afterwards.
  // new -> handling. conflict if not new.
  core::Result<Warning> accept(const Actor& who, long long id, const std::string& note = {});
  // Any status. invalid_argument (field note) if empty or over 2,000 characters.
  core::Result<Warning> add_note(const Actor& who, long long id, const std::string& note);
  // Open warnings only; the user must hold a role of the routed body
  // (assignable_users). The assignee gets a notice.
  core::Result<Warning> assign(const Actor& who, long long id, long long user_id,
                               const std::string& note = {});
  core::Result<std::vector<AssignableUser>> assignable_users(const Actor& who, long long id);
  // new or handling -> closed with a verdict. false_positive needs a reason;
  // exception needs owner, reason and an expiry after today, and creates the
  // exception. conflict if already closed.
  core::Result<Warning> close(const Actor& who, long long id, const CloseRequest& request);
  // closed -> handling, with a reason; counts the reopening, revokes the
  // exception it granted, sets a new deadline from today.
  core::Result<Warning> reopen(const Actor& who, long long id, const std::string& reason);

  // Open warnings whose deadline is before as_of move one level up: village
  // body -> town discipline commission -> county discipline commission;
  // department -> county discipline commission. New deadline as_of +
  // deadline_workdays, assignee cleared, an event, a notice to the new
  // body's accounts; one transaction and audit entry per warning.
  core::Result<EscalationResult> escalate_overdue(core::Date as_of);

  // Reads.
  core::Result<WarningPage> list(const Actor& who, const ListFilter& filter);
  core::Result<QueueCounts> counts(const Actor& who, const ListFilter& filter);
  // not_found if it does not exist or lies outside the caller's scope.
  core::Result<WarningDetail> get(const Actor& who, long long id);
  // All rules with closed warnings (or just `rule_id`), by rule id.
  core::Result<std::vector<RulePrecision>> precision(const Actor& who,
                                                     const std::string& rule_id = {});

 private:
  db::Database& db_;
  const core::WorkdayCalendar& calendar_;
  const core::Clock& clock_;
};

}  // namespace mingjing::warnings
