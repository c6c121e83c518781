// The warnings tables as values: reading rows, timeline events, JSON
// columns and the audit view of a warning.
#include "db/row.h"
#include "db/soci.h"
#include "warnings/internal.h"

namespace mingjing::warnings::internal {
namespace {

constexpr const char* kPgWriteLock = "SELECT pg_advisory_xact_lock(727377)";
constexpr const char* kInsertEvent =
    "INSERT INTO warning_events (warning_id, at, user_id, username, role, action, note, detail) "
    "VALUES (:w, :at, :u, :un, :r, :a, :n, :d)";
constexpr const char* kSelectEvents =
    "SELECT id, at, COALESCE(user_id, 0), username, role, action, note, detail "
    "FROM warning_events WHERE warning_id = :w ORDER BY id";
constexpr const char* kSelectException =
    "SELECT id, rule_id, dedup_key, warning_id, owner, reason, expires_on, COALESCE(created_by, "
    "0), "
    "created_by_name, created_at, revoked_at FROM warning_exceptions WHERE warning_id = :w "
    "ORDER BY id DESC LIMIT 1";
constexpr const char* kSelectRegionName = "SELECT name FROM regions WHERE code = :c";

core::Date parse_date(const std::string& text) {
  auto d = core::Date::parse(text);
  return d.ok() ? *d : core::Date();
}

}  // namespace

const char* const kWarningSelect =
    "SELECT w.id, w.rule_id, w.rule_version, w.category, w.dedup_key, w.severity, w.status, "
    "w.region_code, w.routed_body, w.routed_region, w.programme, w.escalation_level, "
    "w.assignee_id, a.username, w.deadline, w.deadline_workdays, w.subjects, w.explanation, "
    "w.evidence, w.params, w.still_hit, w.verdict, w.verdict_reason, w.reopened_count, "
    "w.created_at, w.updated_at, w.closed_at "
    "FROM warnings w LEFT JOIN users a ON a.id = w.assignee_id";

Warning read_warning(const soci::row& r) {
  Warning w;
  w.id = db::get_int(r, 0);
  w.rule_id = db::get_text(r, 1);
  w.rule_version = static_cast<int>(db::get_int(r, 2));
  w.category = db::get_text(r, 3);
  w.dedup_key = db::get_text(r, 4);
  w.severity = db::get_text(r, 5);
  w.status = db::get_text(r, 6);
  w.region_code = db::get_text(r, 7);
  w.routed_to = {db::get_text(r, 8), db::get_text(r, 9), db::get_text(r, 10)};
  w.escalation_level = static_cast<int>(db::get_int(r, 11));
  if (!db::is_null(r, 12)) w.assignee_id = db::get_int(r, 12);
  w.assignee_username = db::get_text(r, 13);
  w.deadline = parse_date(db::get_text(r, 14));
  w.deadline_workdays = static_cast<int>(db::get_int(r, 15));
  w.subjects = parse_subjects(db::get_text(r, 16));
  w.explanation = db::get_text(r, 17);
  w.evidence = parse_object(db::get_text(r, 18));
  w.params = parse_params(db::get_text(r, 19));
  w.still_hit = db::get_int(r, 20) != 0;
  w.verdict = db::get_text(r, 21);
  w.verdict_reason = db::get_text(r, 22);
  w.reopened_count = static_cast<int>(db::get_int(r, 23));
  w.created_at = db::get_int(r, 24);
  w.updated_at = db::get_int(r, 25);
  if (!db::is_null(r, 26)) w.closed_at = db::get_int(r, 26);
  return w;
}

std::optional<Warning> load_warning(db::Connection& conn, long long id) {
  std::optional<Warning> out;
  soci::rowset<soci::row> rows =
      (conn.session().prepare << std::string(kWarningSelect) + " WHERE w.id = :id", soci::use(id));
  for (const soci::row& r : rows) out = read_warning(r);
  return out;
}

void lock_for_write(db::Connection& conn) {
  if (conn.dialect() == db::Dialect::kPostgresql) conn.session() << kPgWriteLock;
}

void add_event(db::Connection& conn, long long warning_id, long long at, const Actor& who,
               const std::string& action, const std::string& note, const nlohmann::json& detail) {
  long long user = who.user_id;
  soci::indicator user_ind = user ? soci::i_ok : soci::i_null;
  std::string username = who.username, role = who.role, act = action, text = note,
              d = detail.dump();
  conn.session() << kInsertEvent, soci::use(warning_id), soci::use(at), soci::use(user, user_ind),
      soci::use(username), soci::use(role), soci::use(act), soci::use(text), soci::use(d);
}

std::vector<Event> load_events(db::Connection& conn, long long warning_id) {
  std::vector<Event> out;
  soci::rowset<soci::row> rows = (conn.session().prepare << kSelectEvents, soci::use(warning_id));
  for (const soci::row& r : rows) {
    out.push_back({db::get_int(r, 0), db::get_int(r, 1), db::get_int(r, 2), db::get_text(r, 3),
                   db::get_text(r, 4), db::get_text(r, 5), db::get_text(r, 6),
                   parse_object(db::get_text(r, 7))});
  }
  return out;
}

std::optional<WarningException> load_exception(db::Connection& conn, long long warning_id) {
  std::optional<WarningException> out;
  soci::rowset<soci::row> rows =
      (conn.session().prepare << kSelectException, soci::use(warning_id));
  for (const soci::row& r : rows) {
    WarningException e;
    e.id = db::get_int(r, 0);
    e.rule_id = db::get_text(r, 1);
    e.dedup_key = db::get_text(r, 2);
    e.warning_id = db::get_int(r, 3);
    e.owner = db::get_text(r, 4);
    e.reason = db::get_text(r, 5);
    e.expires_on = parse_date(db::get_text(r, 6));
    e.created_by = db::get_int(r, 7);
    e.created_by_name = db::get_text(r, 8);
    e.created_at = db::get_int(r, 9);
    if (!db::is_null(r, 10)) e.revoked_at = db::get_int(r, 10);
    out = std::move(e);
  }
  return out;
}

std::string subjects_json(const std::vector<Subject>& subjects) {
  nlohmann::json out = nlohmann::json::array();
  for (const Subject& s : subjects) {
    out.push_back({{"dataset", s.dataset}, {"record_key", s.record_key}});
  }
  return out.dump();
}

std::vector<Subject> parse_subjects(const std::string& text) {
  std::vector<Subject> out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& s : j) {
    out.push_back({s.value("dataset", ""), s.value("record_key", "")});
  }
  return out;
}

std::string params_json(const std::vector<UsedParam>& params) {
  nlohmann::json out = nlohmann::json::array();
  for (const UsedParam& p : params) {
    out.push_back({{"name", p.name}, {"value", p.value}, {"source", p.source}});
  }
  return out.dump();
}

std::vector<UsedParam> parse_params(const std::string& text) {
  std::vector<UsedParam> out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& p : j) {
    out.push_back({p.value("name", ""), p.contains("value") ? p["value"] : nlohmann::json(),
                   p.value("source", "")});
  }
  return out;
}

nlohmann::json parse_object(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  return j.is_discarded() ? nlohmann::json::object() : j;
}

std::string state_json(const Warning& w) {
  nlohmann::json j = {{"id", w.id},
                      {"rule_id", w.rule_id},
                      {"dedup_key", w.dedup_key},
                      {"status", w.status},
                      {"severity", w.severity},
                      {"routed_body", w.routed_to.body},
                      {"routed_region", w.routed_to.region_code},
                      {"programme", w.routed_to.programme},
                      {"escalation_level", w.escalation_level},
                      {"assignee_id", w.assignee_id ? nlohmann::json(*w.assignee_id) : nullptr},
                      {"deadline", w.deadline.to_string()},
                      {"verdict", w.verdict},
                      {"verdict_reason", w.verdict_reason},
                      {"reopened_count", w.reopened_count}};
  return j.dump();
}

audit::Actor audit_actor(const Actor& who) {
  return {who.user_id, who.username, who.role, who.region_code};
}

std::string region_name(db::Connection& conn, const std::string& code) {
  std::string name;
  soci::indicator ind = soci::i_null;
  std::string c = code;
  conn.session() << kSelectRegionName, soci::use(c), soci::into(name, ind);
  return ind == soci::i_ok && !name.empty() ? name : code;
}

void query(db::Connection& conn, const std::string& sql, const Where& where,
           const std::function<void(const soci::row&)>& on_row) {
  soci::row row;
  soci::statement st(conn.session());
  st.exchange(soci::into(row));
  for (const auto& b : where.binds) st.exchange(soci::use(b));
  st.alloc();
  st.prepare(sql);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) on_row(row);
}

}  // namespace mingjing::warnings::internal
