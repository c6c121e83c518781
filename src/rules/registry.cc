// The rule registry: versions, statuses and overrides in the database
// (migration 0005_rules.sql), and the pack the engine evaluates.
#include "rules/registry.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "audit/audit.h"
#include "auth/roles.h"
#include "core/region_code.h"
#include "core/text.h"
#include "core/workday_calendar.h"
#include "db/row.h"
#include "db/soci.h"
#include "rules/engine.h"
#include "rules/registry_internal.h"

namespace mingjing::rules {
namespace {

// Serialises registry writers on PostgreSQL until the transaction ends
// (SQLite's BEGIN IMMEDIATE already does). Any constant, the same in every
// process; distinct from the warnings' and the audit chain's.
constexpr const char* kPgWriteLock = "SELECT pg_advisory_xact_lock(727378)";

constexpr const char* kVersionSelect =
    "SELECT rule_id, version, status, in_force, origin, yaml, note, created_by, created_by_name, "
    "created_at, superseded_at, shipped_version FROM rule_versions";
constexpr const char* kInsertVersion =
    "INSERT INTO rule_versions (rule_id, version, status, in_force, origin, shipped_version, yaml, "
    "note, created_by, created_by_name, created_at) VALUES (:r, :v, :s, :f, :o, :sv, :y, :n, :u, "
    ":un, :at)";
constexpr const char* kSupersede =
    "UPDATE rule_versions SET status = 'retired', in_force = 0, superseded_at = :at "
    "WHERE rule_id = :r AND version = :v";
constexpr const char* kPutInForce =
    "UPDATE rule_versions SET status = :s, in_force = 1, superseded_at = NULL "
    "WHERE rule_id = :r AND version = :v";
constexpr const char* kInsertChange =
    "INSERT INTO rule_status_changes (rule_id, version, from_status, to_status, reason, user_id, "
    "username, at) VALUES (:r, :v, :f, :t, :re, :u, :un, :at)";
constexpr const char* kSelectChanges =
    "SELECT rule_id, version, from_status, to_status, reason, user_id, username, at "
    "FROM rule_status_changes WHERE rule_id = :r ORDER BY id DESC";
constexpr const char* kOverrideSelect =
    "SELECT id, rule_id, param, region_code, value, set_by, set_by_name, set_at "
    "FROM rule_overrides";
constexpr const char* kBumpGeneration =
    "UPDATE rule_generation SET generation = generation + 1 WHERE id = 1";
constexpr const char* kSelectGeneration = "SELECT generation FROM rule_generation WHERE id = 1";

constexpr std::size_t kMaxTextChars = 2000;
constexpr std::size_t kMaxYamlBytes = 60 * 1024;
constexpr const char* kShippedNote = "随版本发布";

std::size_t utf8_chars(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// Required text: not blank, at most kMaxTextChars.
core::Status check_text(const std::string& text, const char* field, const char* missing) {
  if (core::trim(text).empty()) return core::Error::invalid(missing, field);
  if (utf8_chars(text) > kMaxTextChars) return core::Error::invalid("内容不能超过2000字", field);
  return {};
}

audit::Actor audit_actor(const warnings::Actor& who) {
  return {who.user_id, who.username, who.role, who.region_code};
}

void lock_for_write(db::Connection& conn) {
  if (conn.dialect() == db::Dialect::kPostgresql) conn.session() << kPgWriteLock;
}

void bump_generation(db::Connection& conn) {
  conn.session() << kBumpGeneration;
}

bool within(const std::string& code, const std::string& root) {
  auto c = core::RegionCode::parse(code);
  auto r = core::RegionCode::parse(root);
  return c.ok() && r.ok() && r->contains(*c);
}

core::Status can_read(const warnings::Actor& who) {
  if (who.is_system() || auth::role_has(who.role, auth::perm::kRuleList)) return {};
  return core::Error::forbidden("当前角色无权查看预警规则");
}

core::Status can_edit(const warnings::Actor& who) {
  if (who.is_system()) return {};
  if (!auth::role_has(who.role, auth::perm::kRuleEdit)) {
    return core::Error::forbidden("当前角色无权修改预警规则");
  }
  const auth::RoleDef* def = auth::find_role(who.role);
  if (!def || def->level != core::RegionLevel::county ||
      !core::RegionCode::parse(who.region_code).ok()) {
    return core::Error::forbidden("只有县级纪委监委可以修改预警规则");
  }
  return {};
}

// Who may see an override: the system everything, others their subtree.
bool sees_region(const warnings::Actor& who, const std::string& region_code) {
  return who.is_system() || within(region_code, who.region_code);
}

core::Error no_rule(const std::string& rule_id) {
  return core::Error::not_found("规则不存在：" + core::shorten_for_message(rule_id));
}

core::Error no_version(const std::string& rule_id, int version) {
  return core::Error::not_found("规则 " + core::shorten_for_message(rule_id) + " 没有第" +
                                std::to_string(version) + "版");
}

// A stored row with the shipped file number it came from (0: edited).
struct VersionRow {
  RuleVersionInfo info;
  int shipped_version = 0;
};

VersionRow read_version(const soci::row& r) {
  VersionRow v;
  v.info.rule_id = db::get_text(r, 0);
  v.info.version = static_cast<int>(db::get_int(r, 1));
  v.info.status = parse_status(db::get_text(r, 2)).value_or(RuleStatus::draft);
  v.info.in_force = db::get_int(r, 3) != 0;
  v.info.origin = db::get_text(r, 4);
  v.info.yaml = db::get_text(r, 5);
  v.info.note = db::get_text(r, 6);
  v.info.created_by = db::get_int(r, 7);
  v.info.created_by_name = db::get_text(r, 8);
  v.info.created_at = db::get_int(r, 9);
  if (!db::is_null(r, 10)) v.info.superseded_at = db::get_int(r, 10);
  v.shipped_version = static_cast<int>(db::get_int(r, 11));
  return v;
}

std::vector<VersionRow> load_versions(db::Connection& conn, const std::string& where,
                                      const std::string& bind = {},
                                      const std::string& order = " ORDER BY rule_id, version") {
  std::vector<VersionRow> out;
  std::string sql = std::string(kVersionSelect) + where + order;
  if (bind.empty()) {
    soci::rowset<soci::row> rows = (conn.session().prepare << sql);
    for (const soci::row& r : rows) out.push_back(read_version(r));
  } else {
    std::string b = bind;
    soci::rowset<soci::row> rows = (conn.session().prepare << sql, soci::use(b));
    for (const soci::row& r : rows) out.push_back(read_version(r));
  }
  return out;
}

std::optional<VersionRow> load_version(db::Connection& conn, const std::string& rule_id,
                                       int version) {
  std::string r = rule_id;
  int v = version;
  soci::rowset<soci::row> rows =
      (conn.session().prepare << std::string(kVersionSelect) +
                                     " WHERE rule_id = :r AND version = :v",
       soci::use(r), soci::use(v));
  for (const soci::row& row : rows) return read_version(row);
  return std::nullopt;
}

void insert_version(db::Connection& conn, const RuleVersionInfo& v, int shipped_version) {
  std::string rule = v.rule_id, status(to_string(v.status)), origin = v.origin, yaml = v.yaml,
              note = v.note, by_name = v.created_by_name;
  int version = v.version, in_force = v.in_force ? 1 : 0, shipped = shipped_version;
  soci::indicator shipped_ind = shipped ? soci::i_ok : soci::i_null;
  long long by = v.created_by, at = v.created_at;
  soci::indicator by_ind = by ? soci::i_ok : soci::i_null;
  conn.session() << kInsertVersion, soci::use(rule), soci::use(version), soci::use(status),
      soci::use(in_force), soci::use(origin), soci::use(shipped, shipped_ind), soci::use(yaml),
      soci::use(note), soci::use(by, by_ind), soci::use(by_name), soci::use(at);
}

void insert_change(db::Connection& conn, const StatusChange& c) {
  std::string rule = c.rule_id, from = c.from, to = c.to, reason = c.reason, name = c.by_name;
  int version = c.version;
  long long by = c.by, at = c.at;
  soci::indicator by_ind = by ? soci::i_ok : soci::i_null;
  conn.session() << kInsertChange, soci::use(rule), soci::use(version), soci::use(from),
      soci::use(to), soci::use(reason), soci::use(by, by_ind), soci::use(name), soci::use(at);
}

void supersede(db::Connection& conn, const RuleVersionInfo& old, int by_version,
               const warnings::Actor& who, const std::string& reason, long long now) {
  std::string rule = old.rule_id;
  int version = old.version;
  conn.session() << kSupersede, soci::use(now), soci::use(rule), soci::use(version);
  insert_change(conn, {old.rule_id, old.version, std::string(to_string(old.status)), "retired",
                       "被第" + std::to_string(by_version) + "版取代：" + reason, who.user_id,
                       who.username, now});
}

StoredOverride read_override(const soci::row& r) {
  StoredOverride o;
  o.id = db::get_int(r, 0);
  o.rule_id = db::get_text(r, 1);
  o.param = db::get_text(r, 2);
  o.region_code = db::get_text(r, 3);
  o.value = db::get_text(r, 4);
  o.set_by = db::get_int(r, 5);
  o.set_by_name = db::get_text(r, 6);
  o.set_at = db::get_int(r, 7);
  return o;
}

std::vector<StoredOverride> load_overrides(db::Connection& conn, const std::string& rule_id) {
  std::vector<StoredOverride> out;
  if (rule_id.empty()) {
    soci::rowset<soci::row> rows =
        (conn.session().prepare << std::string(kOverrideSelect) +
                                       " ORDER BY rule_id, param, region_code");
    for (const soci::row& r : rows) out.push_back(read_override(r));
  } else {
    std::string rule = rule_id;
    soci::rowset<soci::row> rows =
        (conn.session().prepare << std::string(kOverrideSelect) +
                                       " WHERE rule_id = :r ORDER BY param, region_code",
         soci::use(rule));
    for (const soci::row& r : rows) out.push_back(read_override(r));
  }
  return out;
}

long long read_generation(db::Connection& conn) {
  long long g = 0;
  conn.session() << kSelectGeneration, soci::into(g);
  return g;
}

std::string version_json(const RuleVersionInfo& v) {
  return nlohmann::json{{"rule_id", v.rule_id},
                        {"version", v.version},
                        {"status", to_string(v.status)},
                        {"in_force", v.in_force}}
      .dump();
}

// Runs `body`, turning anything thrown (a lost connection, a full disk)
// into internal with the detail logged.
template <typename F>
auto guarded(const char* what, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& e) {
    spdlog::error("rules registry: {} failed: {}", what, e.what());
    return core::Error::internal();
  }
}

// The number a file says it is, as `version: N` on a line of its own at
// the top level. Replaced (or added after `id:`) so that the stored text
// and its row agree.
std::string with_version(const std::string& yaml, int version) {
  const std::string line = "version: " + std::to_string(version);
  std::size_t start = 0, id_end = std::string::npos;
  while (start < yaml.size()) {
    std::size_t end = yaml.find('\n', start);
    if (end == std::string::npos) end = yaml.size();
    std::string_view text(yaml.data() + start, end - start);
    if (text.starts_with("version:")) {
      return yaml.substr(0, start) + line + yaml.substr(end);
    }
    if (text.starts_with("id:") && id_end == std::string::npos) id_end = end;
    start = end + 1;
  }
  if (id_end == std::string::npos) return line + "\n" + yaml;
  return yaml.substr(0, id_end) + "\n" + line + yaml.substr(id_end);
}

}  // namespace

namespace internal {

std::string rule_file_name(const std::string& rule_id, int version) {
  return rule_id + "@v" + std::to_string(version);
}

core::Status compiles(const RuleDef& rule) {
  FactStore empty = FactStore::empty();
  std::vector<RuleDef> one{rule};
  auto engine = Engine::compile(one, empty, {}, core::WorkdayCalendar::builtin());
  if (!engine.ok()) return core::Error::invalid(engine.error().message, "yaml");
  return {};
}

std::vector<ParamOverride> typed_overrides(const RuleDef& rule,
                                           const std::vector<StoredOverride>& stored) {
  std::vector<ParamOverride> out;
  for (const auto& o : stored) {
    if (o.rule_id != rule.id) continue;
    const ParamDef* def = rule.param(o.param);
    if (!def) continue;
    auto value = parse_param_value(def->type, o.value);
    if (!value.ok()) {
      spdlog::warn("rule override {} {}@{} = '{}' does not fit the type {}: left out", rule.id,
                   o.param, o.region_code, o.value, to_string(def->type));
      continue;
    }
    out.push_back({o.rule_id, o.param, o.region_code, std::move(*value)});
  }
  return out;
}

}  // namespace internal

RuleRegistry::RuleRegistry(db::Database& db, std::vector<RuleDef> shipped)
    : db_(db), shipped_(std::move(shipped)) {}

core::Result<std::shared_ptr<const RuleDef>> RuleRegistry::parsed(const RuleVersionInfo& v) const {
  const auto key = std::make_pair(v.rule_id, v.version);
  {
    std::lock_guard lock(cache_mutex_);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  }
  // Stored versions are never rewritten: (id, version) names one text.
  auto rule = parse_rule(v.yaml, internal::rule_file_name(v.rule_id, v.version));
  if (!rule.ok()) return rule.error();
  rule->version = v.version;
  auto shared = std::make_shared<const RuleDef>(std::move(*rule));
  std::lock_guard lock(cache_mutex_);
  cache_.emplace(key, shared);
  return shared;
}

core::Status RuleRegistry::sync() {
  return guarded("sync", [&]() -> core::Status {
    auto conn = db_.connect();
    db::Transaction tx(conn);
    lock_for_write(conn);
    std::map<std::string, std::vector<VersionRow>> stored;
    for (auto& row : load_versions(conn, "")) stored[row.info.rule_id].push_back(std::move(row));

    const warnings::Actor program = warnings::Actor::system("system");
    const long long now = db::now_unix_ms();
    nlohmann::json in_force = nlohmann::json::array(), drafts = nlohmann::json::array();
    for (const RuleDef& file : shipped_) {
      std::vector<VersionRow>& rows = stored[file.id];
      int max_shipped = 0, max_version = 0;
      bool seen = false, number_taken = false;
      const VersionRow* current = nullptr;
      for (const auto& row : rows) {
        seen |= row.shipped_version == file.version;
        number_taken |= row.info.version == file.version;
        max_shipped = std::max(max_shipped, row.shipped_version);
        max_version = std::max(max_version, row.info.version);
        if (row.info.in_force) current = &row;
      }
      if (seen) continue;
      if (file.version < max_shipped) {
        spdlog::warn(
            "rule {}: shipped version {} is older than stored shipped version {}: kept out",
            file.id, file.version, max_shipped);
        continue;
      }
      // Edited since the version in force (or ever, when none is): the
      // administrators decide, so the new file waits as a draft.
      bool edited = false;
      for (const auto& row : rows) {
        edited |=
            row.info.origin == "edited" && (!current || row.info.version > current->info.version);
      }
      const bool goes_in_force = file.status != RuleStatus::draft && !edited &&
                                 (!current || current->info.origin == "shipped");
      RuleVersionInfo v;
      v.rule_id = file.id;
      v.version = number_taken ? max_version + 1 : file.version;
      v.status = !goes_in_force ? RuleStatus::draft : current ? current->info.status : file.status;
      v.in_force = goes_in_force;
      v.origin = "shipped";
      v.yaml = v.version == file.version ? file.yaml : with_version(file.yaml, v.version);
      v.note = kShippedNote;
      v.created_by_name = program.username;
      v.created_at = now;
      if (goes_in_force && current) {
        supersede(conn, current->info, v.version, program, kShippedNote, now);
      }
      insert_version(conn, v, file.version);
      insert_change(conn, {v.rule_id, v.version, "", std::string(to_string(v.status)), kShippedNote,
                           0, program.username, now});
      (goes_in_force ? in_force : drafts).push_back(v.rule_id + "@v" + std::to_string(v.version));
      rows.push_back({v, file.version});
    }
    if (in_force.empty() && drafts.empty()) return {};
    bump_generation(conn);
    audit::append(conn,
                  {audit_actor(program), "rules.sync", "rules",
                   nlohmann::json{{"in_force", in_force}, {"drafts", drafts}}.dump(), "", ""});
    tx.commit();
    spdlog::info("rules: stored {} shipped versions in force, {} as drafts", in_force.size(),
                 drafts.size());
    return {};
  });
}

core::Result<long long> RuleRegistry::generation() const {
  return guarded("generation", [&]() -> core::Result<long long> {
    auto conn = db_.connect();
    return read_generation(conn);
  });
}

core::Result<EffectivePack> RuleRegistry::effective() const {
  return guarded("effective", [&]() -> core::Result<EffectivePack> {
    auto conn = db_.connect();
    EffectivePack pack;
    // Read first: a change landing between this and the rows below makes
    // the pack newer than its number, so the caller reloads once more.
    pack.generation = read_generation(conn);
    for (const auto& row : load_versions(conn, " WHERE in_force = 1")) {
      auto rule = parsed(row.info);
      if (!rule.ok()) {
        spdlog::error("rule {} version {} in force no longer reads: {}", row.info.rule_id,
                      row.info.version, rule.error().message);
        continue;
      }
      RuleDef def = **rule;
      def.status = row.info.status;
      pack.rules.push_back(std::move(def));
    }
    auto stored = load_overrides(conn, "");
    for (const RuleDef& rule : pack.rules) {
      for (auto& o : internal::typed_overrides(rule, stored))
        pack.overrides.push_back(std::move(o));
    }
    return pack;
  });
}

core::Result<std::vector<RuleVersionInfo>> RuleRegistry::in_force(
    const warnings::Actor& who) const {
  if (auto st = can_read(who); !st.ok()) return st.error();
  return guarded("in_force", [&]() -> core::Result<std::vector<RuleVersionInfo>> {
    auto conn = db_.connect();
    std::vector<RuleVersionInfo> out;
    for (auto& row : load_versions(conn, " WHERE in_force = 1")) out.push_back(std::move(row.info));
    return out;
  });
}

core::Result<std::vector<RuleVersionInfo>> RuleRegistry::versions(
    const warnings::Actor& who, const std::string& rule_id) const {
  if (auto st = can_read(who); !st.ok()) return st.error();
  return guarded("versions", [&]() -> core::Result<std::vector<RuleVersionInfo>> {
    auto conn = db_.connect();
    std::vector<RuleVersionInfo> out;
    auto rows = rule_id.empty()
                    ? load_versions(conn, "", {}, " ORDER BY rule_id, version DESC")
                    : load_versions(conn, " WHERE rule_id = :r", rule_id, " ORDER BY version DESC");
    for (auto& row : rows) out.push_back(std::move(row.info));
    if (out.empty() && !rule_id.empty()) return no_rule(rule_id);
    return out;
  });
}

core::Result<RuleVersionInfo> RuleRegistry::version(const warnings::Actor& who,
                                                    const std::string& rule_id, int version) const {
  if (auto st = can_read(who); !st.ok()) return st.error();
  return guarded("version", [&]() -> core::Result<RuleVersionInfo> {
    auto conn = db_.connect();
    auto row = load_version(conn, rule_id, version);
    if (!row) return no_version(rule_id, version);
    return row->info;
  });
}

core::Result<std::vector<StatusChange>> RuleRegistry::status_history(
    const warnings::Actor& who, const std::string& rule_id) const {
  if (auto st = can_read(who); !st.ok()) return st.error();
  return guarded("status_history", [&]() -> core::Result<std::vector<StatusChange>> {
    auto conn = db_.connect();
    if (load_versions(conn, " WHERE rule_id = :r", rule_id).empty()) return no_rule(rule_id);
    std::vector<StatusChange> out;
    std::string rule = rule_id;
    soci::rowset<soci::row> rows = (conn.session().prepare << kSelectChanges, soci::use(rule));
    for (const soci::row& r : rows) {
      out.push_back({db::get_text(r, 0), static_cast<int>(db::get_int(r, 1)), db::get_text(r, 2),
                     db::get_text(r, 3), db::get_text(r, 4), db::get_int(r, 5), db::get_text(r, 6),
                     db::get_int(r, 7)});
    }
    return out;
  });
}

core::Result<std::vector<StoredOverride>> RuleRegistry::overrides(
    const warnings::Actor& who, const std::string& rule_id) const {
  if (auto st = can_read(who); !st.ok()) return st.error();
  return guarded("overrides", [&]() -> core::Result<std::vector<StoredOverride>> {
    auto conn = db_.connect();
    if (!rule_id.empty() && load_versions(conn, " WHERE rule_id = :r", rule_id).empty()) {
      return no_rule(rule_id);
    }
    // `used`: the version in force has the parameter and the value fits it.
    std::map<std::string, std::shared_ptr<const RuleDef>> in_force;
    for (const auto& row : load_versions(conn, " WHERE in_force = 1")) {
      if (!rule_id.empty() && row.info.rule_id != rule_id) continue;
      if (auto rule = parsed(row.info); rule.ok()) in_force[row.info.rule_id] = *rule;
    }
    std::vector<StoredOverride> out;
    for (auto& o : load_overrides(conn, rule_id)) {
      if (!sees_region(who, o.region_code)) continue;
      auto it = in_force.find(o.rule_id);
      const ParamDef* def = it == in_force.end() ? nullptr : it->second->param(o.param);
      o.used = def && parse_param_value(def->type, o.value).ok();
      out.push_back(std::move(o));
    }
    return out;
  });
}

core::Result<RuleVersionInfo> RuleRegistry::save_draft(const warnings::Actor& who,
                                                       const std::string& rule_id,
                                                       const std::string& yaml,
                                                       const std::string& note) {
  if (auto st = can_edit(who); !st.ok()) return st.error();
  if (auto st = check_text(note, "note", "请说明修改原因"); !st.ok()) return st.error();
  if (core::trim(yaml).empty()) return core::Error::invalid("请填写规则内容", "yaml");
  if (yaml.size() > kMaxYamlBytes) return core::Error::invalid("规则内容过长（上限60KB）", "yaml");
  // Checked as written (line numbers as the editor shows them) before the
  // version number is set.
  auto rule = parse_rule(yaml, rule_id + ".yaml");
  if (!rule.ok()) return core::Error::invalid(rule.error().message, "yaml");
  if (rule->id != rule_id) {
    return core::Error::invalid("规则编号应为 " + rule_id + "，不能改为 " + rule->id, "yaml");
  }
  if (auto st = internal::compiles(*rule); !st.ok()) return st.error();
  return guarded("save_draft", [&]() -> core::Result<RuleVersionInfo> {
    auto conn = db_.connect();
    db::Transaction tx(conn);
    lock_for_write(conn);
    auto rows = load_versions(conn, " WHERE rule_id = :r", rule_id);
    if (rows.empty()) return no_rule(rule_id);
    RuleVersionInfo v;
    v.rule_id = rule_id;
    v.version = rows.back().info.version + 1;
    v.status = RuleStatus::draft;
    v.origin = "edited";
    v.yaml = with_version(yaml, v.version);
    v.note = std::string(core::trim(note));
    v.created_by = who.user_id;
    v.created_by_name = who.username;
    v.created_at = db::now_unix_ms();
    if (auto check = parse_rule(v.yaml, rule_id + ".yaml"); !check.ok()) {
      return core::Error::invalid(check.error().message, "yaml");
    }
    insert_version(conn, v, 0);
    insert_change(
        conn, {rule_id, v.version, "", "draft", v.note, who.user_id, who.username, v.created_at});
    bump_generation(conn);
    audit::append(conn,
                  {audit_actor(who), "rule.draft", "rule:" + rule_id,
                   nlohmann::json{{"version", v.version}, {"note", v.note}}.dump(), "", v.yaml});
    tx.commit();
    return v;
  });
}

namespace {

std::string status_name(RuleStatus s) {
  switch (s) {
    case RuleStatus::draft:
      return "草稿";
    case RuleStatus::shadow:
      return "试运行";
    case RuleStatus::active:
      return "启用";
    case RuleStatus::paused:
      return "暂停";
    case RuleStatus::retired:
      return "停用";
  }
  return "";
}

// The moves registry.h lists. A version not in force (a draft, or one
// superseded) may only be put in force.
bool allowed(RuleStatus from, bool in_force, RuleStatus to) {
  using S = RuleStatus;
  if (!in_force)
    return (from == S::draft || from == S::retired) && (to == S::shadow || to == S::active);
  switch (from) {
    case S::shadow:
      return to == S::active || to == S::paused || to == S::retired;
    case S::active:
      return to == S::shadow || to == S::paused || to == S::retired;
    case S::paused:
      return to == S::active || to == S::shadow || to == S::retired;
    case S::retired:
      return to == S::active || to == S::shadow;
    case S::draft:
      return false;
  }
  return false;
}

}  // namespace

core::Result<RuleVersionInfo> RuleRegistry::set_status(const warnings::Actor& who,
                                                       const std::string& rule_id, int version,
                                                       RuleStatus to, const std::string& reason) {
  if (auto st = can_edit(who); !st.ok()) return st.error();
  if (auto st = check_text(reason, "reason", "请填写原因"); !st.ok()) return st.error();
  return guarded("set_status", [&]() -> core::Result<RuleVersionInfo> {
    auto conn = db_.connect();
    db::Transaction tx(conn);
    lock_for_write(conn);
    auto row = load_version(conn, rule_id, version);
    if (!row) return no_version(rule_id, version);
    const RuleVersionInfo before = row->info;
    if (!allowed(before.status, before.in_force, to)) {
      std::string what = before.in_force || before.status == RuleStatus::draft
                             ? status_name(before.status)
                             : "已被取代";
      return core::Error::conflict("第" + std::to_string(version) + "版当前为“" + what +
                                       "”，不能改为“" + status_name(to) + "”",
                                   "status");
    }
    const long long now = db::now_unix_ms();
    const std::string why(core::trim(reason));
    if (!before.in_force) {
      // Putting a version in force: it must still read and compile.
      auto rule = parsed(before);
      if (!rule.ok()) return core::Error::invalid(rule.error().message, "yaml");
      if (auto st = internal::compiles(**rule); !st.ok()) return st.error();
      for (const auto& other :
           load_versions(conn, " WHERE rule_id = :r AND in_force = 1", rule_id)) {
        supersede(conn, other.info, version, who, why, now);
      }
    }
    std::string status(to_string(to)), rule = rule_id;
    int v = version;
    conn.session() << kPutInForce, soci::use(status), soci::use(rule), soci::use(v);
    insert_change(conn, {rule_id, version, std::string(to_string(before.status)), status, why,
                         who.user_id, who.username, now});
    bump_generation(conn);
    auto after = load_version(conn, rule_id, version);
    audit::append(
        conn,
        {audit_actor(who), "rule.status", "rule:" + rule_id + "@v" + std::to_string(version),
         nlohmann::json{{"from", to_string(before.status)}, {"to", status}, {"reason", why}}.dump(),
         version_json(before), version_json(after->info)});
    tx.commit();
    return after->info;
  });
}

core::Result<StoredOverride> RuleRegistry::set_override(const warnings::Actor& who,
                                                        const std::string& rule_id,
                                                        const std::string& param,
                                                        const std::string& region_code,
                                                        const std::string& value) {
  if (auto st = can_edit(who); !st.ok()) return st.error();
  if (core::trim(param).empty()) return core::Error::invalid("请选择参数", "param");
  auto region = core::RegionCode::parse(region_code);
  if (!region.ok()) return core::Error::invalid("区域代码格式不正确", "region_code");
  if (region->level() != core::RegionLevel::county && region->level() != core::RegionLevel::town &&
      region->level() != core::RegionLevel::village) {
    return core::Error::invalid("参数只能按县、乡镇或村设置", "region_code");
  }
  if (!sees_region(who, region_code)) {
    return core::Error::forbidden("该区域不在当前角色的管辖范围内");
  }
  const std::string text(core::trim(value));
  if (text.empty()) return core::Error::invalid("请填写参数值", "value");
  if (utf8_chars(text) > 500) return core::Error::invalid("参数值过长", "value");
  return guarded("set_override", [&]() -> core::Result<StoredOverride> {
    auto conn = db_.connect();
    db::Transaction tx(conn);
    lock_for_write(conn);
    auto rows = load_versions(conn, " WHERE rule_id = :r", rule_id);
    if (rows.empty()) return no_rule(rule_id);
    const VersionRow* current = nullptr;
    for (const auto& row : rows) {
      if (row.info.in_force) current = &row;
    }
    if (!current) return core::Error::conflict("规则没有生效的版本，不能设置参数");
    auto rule = parsed(current->info);
    if (!rule.ok()) return core::Error::internal();
    const ParamDef* def = (*rule)->param(param);
    if (!def) {
      return core::Error::invalid(
          "规则 " + rule_id + " 没有参数 " + core::shorten_for_message(param), "param");
    }
    auto typed = parse_param_value(def->type, text);
    if (!typed.ok()) return core::Error::invalid(typed.error().message, "value");
    double figure = typed->type == ParamType::money ? static_cast<double>(typed->integer) / 100
                    : typed->type == ParamType::ratio || typed->type == ParamType::decimal
                        ? typed->decimal
                        : static_cast<double>(typed->integer);
    const bool numeric = def->type != ParamType::text && def->type != ParamType::text_list &&
                         def->type != ParamType::date;
    if (numeric && ((def->min && figure < *def->min) || (def->max && figure > *def->max))) {
      auto bound = [](const std::optional<double>& b) {
        std::ostringstream out;
        out << *b;
        return out.str();
      };
      std::string range = def->min && def->max ? bound(def->min) + "至" + bound(def->max)
                          : def->min           ? "不小于" + bound(def->min)
                                               : "不大于" + bound(def->max);
      return core::Error::invalid(def->title + "应" + range, "value");
    }
    std::string exists_code = region_code;
    int region_rows = 0;
    conn.session() << "SELECT COUNT(*) FROM regions WHERE code = :c", soci::use(exists_code),
        soci::into(region_rows);
    if (region_rows == 0) return core::Error::invalid("区域不存在", "region_code");

    std::optional<StoredOverride> before;
    {
      std::string r = rule_id, p = param, g = region_code;
      soci::rowset<soci::row> found =
          (conn.session().prepare << std::string(kOverrideSelect) +
                                         " WHERE rule_id = :r AND param = :p AND region_code = :g",
           soci::use(r), soci::use(p), soci::use(g));
      for (const soci::row& f : found) before = read_override(f);
    }
    const long long now = db::now_unix_ms();
    long long by = who.user_id;
    soci::indicator by_ind = by ? soci::i_ok : soci::i_null;
    std::string by_name = who.username, v = text;
    StoredOverride after;
    if (before) {
      long long id = before->id;
      conn.session() << "UPDATE rule_overrides SET value = :v, set_by = :u, set_by_name = :un, "
                        "set_at = :at WHERE id = :id",
          soci::use(v), soci::use(by, by_ind), soci::use(by_name), soci::use(now), soci::use(id);
      after = *before;
    } else {
      std::string r = rule_id, p = param, g = region_code;
      conn.session() << "INSERT INTO rule_overrides (rule_id, param, region_code, value, set_by, "
                        "set_by_name, set_at) VALUES (:r, :p, :g, :v, :u, :un, :at)",
          soci::use(r), soci::use(p), soci::use(g), soci::use(v), soci::use(by, by_ind),
          soci::use(by_name), soci::use(now);
      soci::rowset<soci::row> found =
          (conn.session().prepare << std::string(kOverrideSelect) +
                                         " WHERE rule_id = :r AND param = :p AND region_code = :g",
           soci::use(r), soci::use(p), soci::use(g));
      for (const soci::row& f : found) after = read_override(f);
    }
    after.value = text;
    after.set_by = who.user_id;
    after.set_by_name = who.username;
    after.set_at = now;
    after.used = true;
    bump_generation(conn);
    audit::append(conn, {audit_actor(who), "rule.override.set", "rule:" + rule_id,
                         nlohmann::json{{"id", after.id},
                                        {"param", param},
                                        {"region_code", region_code},
                                        {"value", text},
                                        {"before", before ? before->value : ""}}
                             .dump(),
                         before ? before->value : "", text});
    tx.commit();
    return after;
  });
}

core::Status RuleRegistry::remove_override(const warnings::Actor& who, long long override_id) {
  if (auto st = can_edit(who); !st.ok()) return st.error();
  return guarded("remove_override", [&]() -> core::Status {
    auto conn = db_.connect();
    db::Transaction tx(conn);
    lock_for_write(conn);
    std::optional<StoredOverride> found;
    long long id = override_id;
    {
      soci::rowset<soci::row> rows =
          (conn.session().prepare << std::string(kOverrideSelect) + " WHERE id = :id",
           soci::use(id));
      for (const soci::row& r : rows) found = read_override(r);
    }
    if (!found) return core::Error::not_found("参数设置不存在");
    if (!sees_region(who, found->region_code)) {
      return core::Error::forbidden("该区域不在当前角色的管辖范围内");
    }
    conn.session() << "DELETE FROM rule_overrides WHERE id = :id", soci::use(id);
    bump_generation(conn);
    audit::append(conn, {audit_actor(who), "rule.override.remove", "rule:" + found->rule_id,
                         nlohmann::json{{"id", found->id},
                                        {"param", found->param},
                                        {"region_code", found->region_code},
                                        {"value", found->value}}
                             .dump(),
                         found->value, ""});
    tx.commit();
    return {};
  });
}

core::Result<RuleDef> RuleRegistry::definition(const RuleVersionInfo& v) const {
  auto rule = parsed(v);
  if (!rule.ok()) return core::Error::invalid(rule.error().message, "yaml");
  RuleDef def = **rule;
  def.status = v.status;
  return def;
}

core::Result<RuleDef> RuleRegistry::stored_rule(const std::string& rule_id,
                                                std::optional<int> version) const {
  return guarded("stored_rule", [&]() -> core::Result<RuleDef> {
    auto conn = db_.connect();
    auto rows = load_versions(conn, " WHERE rule_id = :r", rule_id);
    if (rows.empty()) return no_rule(rule_id);
    const VersionRow* pick = &rows.back();
    if (version) {
      pick = nullptr;
      for (const auto& row : rows) {
        if (row.info.version == *version) pick = &row;
      }
      if (!pick) return no_version(rule_id, *version);
    }
    auto rule = parsed(pick->info);
    if (!rule.ok()) return core::Error::invalid(rule.error().message, "yaml");
    RuleDef def = **rule;
    def.status = pick->info.status;
    return def;
  });
}

core::Result<std::optional<RuleDef>> RuleRegistry::rule_in_force(const std::string& rule_id) const {
  return guarded("rule_in_force", [&]() -> core::Result<std::optional<RuleDef>> {
    auto conn = db_.connect();
    for (const auto& row : load_versions(conn, " WHERE rule_id = :r AND in_force = 1", rule_id)) {
      auto rule = parsed(row.info);
      if (!rule.ok()) return core::Error::invalid(rule.error().message, "yaml");
      RuleDef def = **rule;
      def.status = row.info.status;
      return std::optional<RuleDef>(std::move(def));
    }
    return std::optional<RuleDef>();
  });
}

core::Result<std::vector<ParamOverride>> RuleRegistry::overrides_for(const RuleDef& rule) const {
  return guarded("overrides_for", [&]() -> core::Result<std::vector<ParamOverride>> {
    auto conn = db_.connect();
    return internal::typed_overrides(rule, load_overrides(conn, rule.id));
  });
}

warnings::RuleRouting routing_of(const RuleDef& rule) {
  warnings::RuleRouting routing;
  routing.rule_id = rule.id;
  routing.version = rule.version;
  routing.category = rule.category;
  routing.severity = std::string(to_string(rule.severity));
  routing.body = std::string(to_string(rule.routing));
  routing.deadline_workdays = rule.deadline_workdays;
  return routing;
}

}  // namespace mingjing::rules
