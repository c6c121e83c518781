// WarningStore::apply: one rule's hits become warnings (see warnings.h for
// what happens to each kind of key).
#include <map>
#include <memory>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "core/region_code.h"
#include "db/row.h"
#include "db/soci.h"
#include "warnings/internal.h"

namespace mingjing::warnings {
namespace {

constexpr const char* kSelectExisting =
    "SELECT id, dedup_key, status, verdict, content_digest, facts_digest, closed_at, still_hit, "
    "region_code, severity, routed_body, routed_region, programme, deadline_workdays "
    "FROM warnings";
// An incremental run with at most this many keys reads only their warnings;
// anything larger reads the rule's warnings whole.
constexpr std::size_t kMaxKeysLookedUp = 500;
constexpr const char* kSelectActiveExceptions =
    "SELECT dedup_key FROM warning_exceptions WHERE rule_id = :r AND revoked_at IS NULL "
    "AND expires_on >= :d";
constexpr const char* kInsertWarning =
    "INSERT INTO warnings (rule_id, rule_version, category, dedup_key, severity, status, "
    "region_code, routed_body, routed_region, programme, escalation_level, deadline, "
    "deadline_workdays, subjects, explanation, evidence, params, content_digest, facts_digest, "
    "still_hit, reopened_count, created_at, updated_at) VALUES (:r, :v, :c, :k, :s, 'new', :g, "
    ":b, :br, :p, 0, :dl, :dw, :sj, :ex, :ev, :pa, :cd, :fd, 1, 0, :at, :at2) RETURNING id";
// Refresh: what the hit says, and it is found again.
constexpr const char* kRefresh =
    "UPDATE warnings SET rule_version = :v, severity = :s, subjects = :sj, explanation = :ex, "
    "evidence = :ev, params = :pa, content_digest = :cd, facts_digest = :fd, still_hit = 1, "
    "updated_at = :at WHERE id = :id";
constexpr const char* kReroute =
    "UPDATE warnings SET routed_body = :b, routed_region = :br, assignee_id = NULL WHERE id = :id";
// Reopen by a new hit: back to new, with a fresh deadline.
constexpr const char* kReopen =
    "UPDATE warnings SET status = 'new', verdict = NULL, verdict_reason = NULL, closed_at = NULL, "
    "deadline = :dl, reopened_count = reopened_count + :n, assignee_id = NULL WHERE id = :id";
constexpr const char* kInsertSystemEvent =
    "INSERT INTO warning_events (warning_id, at, user_id, username, role, action, note, detail) "
    "VALUES (:w, :at, NULL, 'rules', 'system', :a, '', :d)";
constexpr const char* kClear = "UPDATE warnings SET still_hit = 0, updated_at = :at WHERE id = :id";

struct Existing {
  long long id = 0;
  std::string status, verdict, content_digest, facts_digest;
  std::optional<long long> closed_at;
  bool still_hit = true;
  std::string region_code, severity;
  RoutedTo routed_to;
  int deadline_workdays = 0;
  bool open() const { return status != status::kClosed; }
};

Existing read_existing(const soci::row& r) {
  Existing e;
  e.id = db::get_int(r, 0);
  e.status = db::get_text(r, 2);
  e.verdict = db::get_text(r, 3);
  e.content_digest = db::get_text(r, 4);
  e.facts_digest = db::get_text(r, 5);
  if (!db::is_null(r, 6)) e.closed_at = db::get_int(r, 6);
  e.still_hit = db::get_int(r, 7) != 0;
  e.region_code = db::get_text(r, 8);
  e.severity = db::get_text(r, 9);
  e.routed_to = {db::get_text(r, 10), db::get_text(r, 11), db::get_text(r, 12)};
  e.deadline_workdays = static_cast<int>(db::get_int(r, 13));
  return e;
}

// A hit as it will be stored.
struct Prepared {
  const Hit* hit;
  std::string severity, subjects, evidence, params, content_digest, facts_digest;
};

Prepared prepare(const Hit& hit, const std::string& severity) {
  nlohmann::json subjects = nlohmann::json::array();
  for (const Subject& x : hit.subjects) {
    subjects.push_back({{"dataset", x.dataset}, {"record_key", x.record_key}});
  }
  nlohmann::json params = nlohmann::json::array();
  for (const UsedParam& x : hit.params) {
    params.push_back({{"name", x.name}, {"value", x.value}, {"source", x.source}});
  }
  Prepared p{&hit, severity, subjects.dump(), hit.evidence.dump(), params.dump(), "", ""};
  // The facts, and everything stored, each as one unambiguous text.
  p.facts_digest = audit::digest(nlohmann::json::array({p.subjects, p.evidence}).dump());
  p.content_digest = audit::digest(nlohmann::json::array({p.subjects, p.evidence, hit.explanation,
                                                          p.params, severity, hit.rule_version})
                                       .dump());
  return p;
}

bool in_region_scope(const ApplyScope& scope, const std::string& region) {
  if (scope.dedup_keys || scope.region_roots.empty()) return true;
  for (const auto& root : scope.region_roots) {
    if (internal::within(region, root)) return true;
  }
  return false;
}

// The statements a batch run repeats thousands of times, prepared once.
// Events are the system's ("rules"), as Actor::system("rules") records them.
class Writer {
 public:
  explicit Writer(soci::session& s) : s_(s) {}

  long long insert(const RuleRouting& rule, const std::string& category, const Hit& hit,
                   const Prepared& p, const RoutedTo& to, const std::string& deadline,
                   long long now) {
    rule_id_ = rule.rule_id;
    category_ = category;
    key_ = hit.dedup_key;
    severity_ = p.severity;
    region_ = hit.region_code;
    body_ = to.body;
    body_region_ = to.region_code;
    programme_ = to.programme;
    deadline_ = deadline;
    explanation_ = hit.explanation;
    subjects_ = p.subjects;
    evidence_ = p.evidence;
    params_ = p.params;
    content_digest_ = p.content_digest;
    facts_digest_ = p.facts_digest;
    version_ = hit.rule_version;
    workdays_ = rule.deadline_workdays;
    now_ = now;
    if (!insert_) {
      insert_ = std::make_unique<soci::statement>(
          (s_.prepare << kInsertWarning, soci::use(rule_id_), soci::use(version_),
           soci::use(category_), soci::use(key_), soci::use(severity_), soci::use(region_),
           soci::use(body_), soci::use(body_region_), soci::use(programme_), soci::use(deadline_),
           soci::use(workdays_), soci::use(subjects_), soci::use(explanation_),
           soci::use(evidence_), soci::use(params_), soci::use(content_digest_),
           soci::use(facts_digest_), soci::use(now_), soci::use(now_), soci::into(id_)));
    }
    insert_->execute(true);
    return id_;
  }

  // Stores what the hit says on an existing warning, found again.
  void refresh(long long id, const Hit& hit, const Prepared& p, long long now) {
    id_ = id;
    version_ = hit.rule_version;
    severity_ = p.severity;
    subjects_ = p.subjects;
    explanation_ = hit.explanation;
    evidence_ = p.evidence;
    params_ = p.params;
    content_digest_ = p.content_digest;
    facts_digest_ = p.facts_digest;
    now_ = now;
    if (!refresh_) {
      refresh_ = std::make_unique<soci::statement>(
          (s_.prepare << kRefresh, soci::use(version_), soci::use(severity_), soci::use(subjects_),
           soci::use(explanation_), soci::use(evidence_), soci::use(params_),
           soci::use(content_digest_), soci::use(facts_digest_), soci::use(now_), soci::use(id_)));
    }
    refresh_->execute(true);
  }

  // Finishes the prepared statements: SQLite will not commit while one is
  // still open.
  void finish() {
    insert_.reset();
    refresh_.reset();
    event_.reset();
  }

  void event(long long warning_id, long long at, const std::string& action,
             const nlohmann::json& detail) {
    event_warning_ = warning_id;
    event_at_ = at;
    event_action_ = action;
    event_detail_ = detail.dump();
    if (!event_) {
      event_ = std::make_unique<soci::statement>(
          (s_.prepare << kInsertSystemEvent, soci::use(event_warning_), soci::use(event_at_),
           soci::use(event_action_), soci::use(event_detail_)));
    }
    event_->execute(true);
  }

 private:
  soci::session& s_;
  std::unique_ptr<soci::statement> insert_, refresh_, event_;
  std::string rule_id_, category_, key_, severity_, region_, body_, body_region_, programme_,
      deadline_, explanation_, subjects_, evidence_, params_, content_digest_, facts_digest_;
  int version_ = 0, workdays_ = 0;
  long long now_ = 0, id_ = 0;
  long long event_warning_ = 0, event_at_ = 0;
  std::string event_action_, event_detail_;
};

// Newly raised warnings per receiving body, for one notice each.
struct BodyTally {
  int count = 0;
  core::Date first_deadline;
};

}  // namespace

core::Result<ApplyResult> WarningStore::apply(const RuleRouting& rule, const ApplyScope& scope,
                                              const std::vector<Hit>& hits, core::Date as_of) {
  if (rule.rule_id.empty()) return core::Error::invalid("规则编号不能为空", "rule_id");
  std::string category = rule.category;
  if (category.empty()) {
    auto derived = category_of(rule.rule_id.substr(0, 1));
    if (!derived)
      return core::Error::invalid("无法从规则编号确定类别：" + rule.rule_id, "category");
    category = *derived;
  } else if (auto known = category_of(category)) {
    category = *known;
  } else {
    return core::Error::invalid("未知的预警类别：" + category, "category");
  }
  if (rule.deadline_workdays < 0) {
    return core::Error::invalid("处理期限不能为负数", "deadline_workdays");
  }
  if (!internal::is_body(rule.body)) {
    return core::Error::invalid("未知的预警接收单位：" + rule.body, "body");
  }
  for (const Hit& h : hits) {
    if (h.rule_id != rule.rule_id) {
      return core::Error::invalid(
          "命中记录的规则编号" + h.rule_id + "与规则" + rule.rule_id + "不符", "rule_id");
    }
  }
  const std::string default_severity = rule.severity == "red" ? "red" : "yellow";

  return internal::guarded("apply", [&]() -> core::Result<ApplyResult> {
    ApplyResult result;
    const Actor system = Actor::system("rules");
    const long long now = clock_.now_unix_ms();
    const std::string as_of_text = as_of.to_string();
    // Deadlines run from the day a warning is raised: a run as of a past
    // date (backfilling) still gives the body its full time from today.
    const core::Date raised_on = std::max(as_of, clock_.today());

    // The hits this call may act on: in scope, well-formed, each key once.
    std::vector<const Hit*> accepted;
    std::unordered_set<std::string> seen;
    std::unordered_set<std::string> key_scope;
    if (scope.dedup_keys) key_scope.insert(scope.dedup_keys->begin(), scope.dedup_keys->end());
    for (const Hit& h : hits) {
      bool ok = !h.dedup_key.empty() && core::RegionCode::parse(h.region_code).ok();
      if (ok && scope.dedup_keys) ok = key_scope.count(h.dedup_key) > 0;
      if (ok) ok = in_region_scope(scope, h.region_code);
      if (ok) ok = seen.insert(h.dedup_key).second;
      if (!ok) {
        spdlog::warn("warnings: hit of {} ignored (key '{}', region '{}')", rule.rule_id,
                     h.dedup_key, h.region_code);
        ++result.ignored;
        continue;
      }
      accepted.push_back(&h);
    }

    auto conn = db_.connect();
    db::Transaction tx(conn);
    internal::lock_for_write(conn);
    soci::session& s = conn.session();
    Writer writer(s);

    std::unordered_map<std::string, Existing> existing;
    {
      internal::Where where;
      where.add("rule_id = " + where.bind(rule.rule_id));
      if (scope.dedup_keys && scope.dedup_keys->size() <= kMaxKeysLookedUp) {
        std::string in;
        for (const auto& k : *scope.dedup_keys) in += (in.empty() ? "" : ", ") + where.bind(k);
        where.add(in.empty() ? "1 = 0" : "dedup_key IN (" + in + ")");
      }
      internal::query(
          conn, std::string(kSelectExisting) + where.sql, where,
          [&](const soci::row& r) { existing.emplace(db::get_text(r, 1), read_existing(r)); });
    }
    std::unordered_set<std::string> excepted;
    {
      std::string rule_id = rule.rule_id, day = as_of_text;
      soci::rowset<soci::row> rows =
          (s.prepare << kSelectActiveExceptions, soci::use(rule_id), soci::use(day));
      for (const soci::row& r : rows) excepted.insert(db::get_text(r, 0));
    }

    std::map<std::tuple<std::string, std::string, std::string>, BodyTally> raised;
    std::unordered_set<std::string> hit_keys;
    for (const Hit* hit : accepted) {
      hit_keys.insert(hit->dedup_key);
      if (excepted.count(hit->dedup_key)) {
        ++result.suppressed;
        continue;
      }
      const std::string severity =
          hit->severity == "red" || hit->severity == "yellow" ? hit->severity : default_severity;
      const Prepared p = prepare(*hit, severity);
      auto found = existing.find(hit->dedup_key);

      if (found == existing.end()) {
        auto to = internal::initial_routing(rule.body, severity, hit->region_code, hit->programme);
        if (!to.ok()) {
          ++result.ignored;
          continue;
        }
        const core::Date deadline = calendar_.add_workdays(raised_on, rule.deadline_workdays);
        const long long id = writer.insert(rule, category, *hit, p, *to, deadline.to_string(), now);
        writer.event(id, now, "created",
                     {{"routed_body", to->body},
                      {"routed_region", to->region_code},
                      {"deadline", deadline.to_string()},
                      {"as_of", as_of_text}});
        Existing e;
        e.id = id;
        e.status = status::kNew;
        e.region_code = hit->region_code;
        existing.emplace(hit->dedup_key, std::move(e));
        BodyTally& tally = raised[{to->body, to->region_code, to->programme}];
        if (tally.count++ == 0 || deadline < tally.first_deadline) tally.first_deadline = deadline;
        ++result.created;
        continue;
      }

      Existing& e = found->second;
      if (e.open()) {
        if (e.content_digest == p.content_digest && e.still_hit) {
          ++result.unchanged;
          continue;
        }
        writer.refresh(e.id, *hit, p, now);
        nlohmann::json detail = {{"as_of", as_of_text}};
        if (e.facts_digest != p.facts_digest) detail["facts_changed"] = true;
        if (!e.still_hit) detail["found_again"] = true;
        if (severity != e.severity) detail["severity"] = severity;
        // Turned red: a case below the town discipline commission goes there.
        auto to = internal::initial_routing(rule.body, severity, hit->region_code, hit->programme);
        if (to.ok() && internal::level_of(to->body) > internal::level_of(e.routed_to.body)) {
          s << kReroute, soci::use(to->body), soci::use(to->region_code), soci::use(e.id);
          detail["routed_body"] = to->body;
          detail["routed_region"] = to->region_code;
          e.routed_to = *to;
        }
        writer.event(e.id, now, "refreshed", detail);
        e.content_digest = p.content_digest;
        e.facts_digest = p.facts_digest;
        e.severity = severity;
        e.still_hit = true;
        ++result.refreshed;
        continue;
      }

      // Closed. An exception that has run out raises the case again; a
      // rectified case found with new facts on or after its closing day was
      // not put right. Anything else stays as judged.
      const bool expired_exception = e.verdict == verdict::kException;
      const bool back_after_fix =
          e.verdict == verdict::kRectified && e.closed_at &&
          as_of >= core::DateTime::from_unix_ms(*e.closed_at).local_date() &&
          e.facts_digest != p.facts_digest;
      if (!expired_exception && !back_after_fix) {
        ++result.still_closed;
        continue;
      }
      const core::Date deadline = calendar_.add_workdays(raised_on, e.deadline_workdays);
      std::string dl = deadline.to_string();
      int counted = back_after_fix ? 1 : 0;
      s << kReopen, soci::use(dl), soci::use(counted), soci::use(e.id);
      writer.refresh(e.id, *hit, p, now);
      writer.event(e.id, now, back_after_fix ? "reopened" : "exception_expired",
                   {{"from_verdict", e.verdict}, {"deadline", dl}, {"as_of", as_of_text}});
      BodyTally& tally = raised[{e.routed_to.body, e.routed_to.region_code, e.routed_to.programme}];
      if (tally.count++ == 0 || deadline < tally.first_deadline) tally.first_deadline = deadline;
      e.status = status::kNew;
      e.still_hit = true;
      ++result.reopened;
    }

    // Open cases the run covered but no longer found stay open for a person
    // to judge; the timeline says the data no longer shows them.
    for (auto& [key, e] : existing) {
      bool covered =
          scope.dedup_keys ? key_scope.count(key) > 0 : in_region_scope(scope, e.region_code);
      if (!covered) continue;
      if (e.open() && e.still_hit && !hit_keys.count(key)) {
        s << kClear, soci::use(now), soci::use(e.id);
        writer.event(e.id, now, "cleared", {{"as_of", as_of_text}});
        e.still_hit = false;
        ++result.cleared;
      }
      if (e.open()) ++result.open;
    }

    writer.finish();
    if (result.created + result.refreshed + result.reopened + result.cleared == 0) {
      return result;  // nothing written: the transaction rolls back empty
    }
    for (const auto& [key, tally] : raised) {
      const auto& [body_code, region, programme] = key;
      RoutedTo to{body_code, region, programme};
      notify::Notice notice{
          "warning.raised",
          "新预警：规则" + rule.rule_id + "，" + std::to_string(tally.count) + "条",
          internal::body_label(conn, to) + "收到规则" + rule.rule_id + "的新预警" +
              std::to_string(tally.count) + "条，最早处理期限" + tally.first_deadline.to_string() +
              "。",
          "/warnings?rule=" + rule.rule_id + "&status=new"};
      notify::post(conn, notify::members(conn, internal::members_of(to)), notice, now);
    }
    nlohmann::json detail = {{"rule_version", rule.version},    {"as_of", as_of_text},
                             {"created", result.created},       {"refreshed", result.refreshed},
                             {"reopened", result.reopened},     {"cleared", result.cleared},
                             {"suppressed", result.suppressed}, {"open", result.open}};
    audit::append(conn, {internal::audit_actor(system), "warning.apply", "rule:" + rule.rule_id,
                         detail.dump(), "", ""});
    tx.commit();
    return result;
  });
}

}  // namespace mingjing::warnings
