// Shared by the files of warnings/: the warnings table as rows, timeline
// events, access checks and routing. Not part of the module's API.
#pragma once

#include <spdlog/spdlog.h>

#include <deque>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit.h"
#include "core/result.h"
#include "db/database.h"
#include "notify/notify.h"
#include "warnings/warnings.h"

namespace soci {
class row;
}

namespace mingjing::warnings::internal {

// ---- storage (repository.cc) ----

// The columns read_warning() expects, from "warnings w LEFT JOIN users a ON
// a.id = w.assignee_id".
extern const char* const kWarningSelect;
Warning read_warning(const soci::row& r);
std::optional<Warning> load_warning(db::Connection& conn, long long id);

// Serialises writers of warnings on PostgreSQL until the transaction ends
// (SQLite's BEGIN IMMEDIATE already does). REQUIRES: an open Transaction.
void lock_for_write(db::Connection& conn);

// Appends one timeline event. REQUIRES: an open Transaction.
void add_event(db::Connection& conn, long long warning_id, long long at, const Actor& who,
               const std::string& action, const std::string& note,
               const nlohmann::json& detail = nlohmann::json::object());
std::vector<Event> load_events(db::Connection& conn, long long warning_id);
std::optional<WarningException> load_exception(db::Connection& conn, long long warning_id);

std::string subjects_json(const std::vector<Subject>& subjects);
std::vector<Subject> parse_subjects(const std::string& text);
std::string params_json(const std::vector<UsedParam>& params);
std::vector<UsedParam> parse_params(const std::string& text);
nlohmann::json parse_object(const std::string& text);

// The lifecycle fields of a warning as canonical JSON, for audit digests.
std::string state_json(const Warning& w);
audit::Actor audit_actor(const Actor& who);

// A region's name from the regions table, or the code when it has none.
std::string region_name(db::Connection& conn, const std::string& code);

// A WHERE clause with bound strings (kept in a deque so SOCI's references
// stay valid) and a runner.
struct Where {
  std::string sql;
  std::deque<std::string> binds;
  void add(const std::string& condition) { sql += (sql.empty() ? " WHERE " : " AND ") + condition; }
  std::string bind(std::string value) {
    binds.push_back(std::move(value));
    return ":w" + std::to_string(binds.size() - 1);
  }
};
void query(db::Connection& conn, const std::string& sql, const Where& where,
           const std::function<void(const soci::row&)>& on_row);

// Runs `body`, turning anything thrown (a lost connection, a full disk) into
// internal with the detail logged: nothing escapes the service.
template <typename F>
auto guarded(const char* what, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& e) {
    spdlog::error("warnings: {} failed: {}", what, e.what());
    return core::Error::internal();
  }
}

// ---- access (access.cc) ----

// What a caller may read, as SQL over "warnings w".
struct ReadScope {
  bool everything = false;              // the system
  std::string region_prefix;            // warnings in this subtree
  std::vector<std::string> programmes;  // non-empty: only these programmes
};
// forbidden without warning:warning:list.
core::Result<ReadScope> read_scope(const Actor& who);
void restrict(Where& where, const ReadScope& scope);

bool can_read(const Actor& who, const Warning& w);
bool can_handle(const Actor& who, const Warning& w);
bool can_judge(const Actor& who, const Warning& w);
// True if `code` is `root` or lies below it (by the code's structure).
bool within(const std::string& code, const std::string& root);

// ---- routing (routing.cc) ----

// One of the body:: names.
bool is_body(const std::string& name);
// The body a new warning goes to. invalid_argument for an unknown body.
core::Result<RoutedTo> initial_routing(const std::string& rule_body, const std::string& severity,
                                       const std::string& region_code,
                                       const std::string& programme);
// One level up, or nullopt at the county discipline commission.
std::optional<RoutedTo> next_level(const RoutedTo& from);
// 0 village or department, 1 town discipline, 2 county discipline.
int level_of(const std::string& body);
// The accounts of a body, for notices and assignment.
notify::Body members_of(const RoutedTo& to);
// "江滨社区村级组织", "稠城街道纪委", "义乌市纪委监委", "义乌市主管部门（dibao）".
std::string body_label(db::Connection& conn, const RoutedTo& to);
// The town (or county) a region belongs to, by its code; empty if none.
std::string town_of(const std::string& region_code);
std::string county_of(const std::string& region_code);

}  // namespace mingjing::warnings::internal
